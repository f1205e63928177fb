// The portal's search page (docs/search.md). It reads the index the build
// writes under search/: meta.json first, then only the pieces a query needs,
// found through the directories meta.json names — the words typed (vocabulary pieces, which give each word's stem), their
// pages and weights (stem pieces), positions for phrases (place pieces), the
// results shown (page pieces) and a passage of each (a byte range of a text).
// Words are cut as generator/search_text.h cuts them; stems come from the
// index alone. No framework, no network but the index.
(function (global) {
  'use strict';

  // ---- Words: the rules of generator/search_text.h --------------------------

  var LONGEST_WORD = 64;  // bytes of UTF-8
  var LINE_GAP = 3;
  var MAX_CLAUSES = 12;

  function asciiWord(c) { return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122); }
  function within(cp, lo, hi) { return cp >= lo && cp <= hi; }

  function isWordCodePoint(cp) {
    if (cp < 0x80) return asciiWord(cp);
    if (cp < 0xC0) return cp === 0xAA || cp === 0xB5 || cp === 0xBA;
    if (cp === 0xD7 || cp === 0xF7) return false;
    if (within(cp, 0x2000, 0x2BFF) || within(cp, 0x2E00, 0x2E7F) || within(cp, 0x3000, 0x303F)) return false;
    if (within(cp, 0xFE10, 0xFE1F) || within(cp, 0xFE30, 0xFE6F) || cp === 0xFEFF || within(cp, 0xFFF0, 0xFFFF)) return false;
    if (within(cp, 0xFF00, 0xFF0F) || within(cp, 0xFF1A, 0xFF20) || within(cp, 0xFF3B, 0xFF40) || within(cp, 0xFF5B, 0xFF65)) return false;
    if (within(cp, 0x1F000, 0x1FAFF)) return false;
    return true;
  }

  function isIgnorable(cp) { return cp === 0xAD || within(cp, 0x200B, 0x200D) || cp === 0x2060 || cp === 0xFEFF; }

  function lower(cp) {
    if (cp < 0x80) return cp >= 65 && cp <= 90 ? cp + 32 : cp;
    if (within(cp, 0xC0, 0xDE) && cp !== 0xD7) return cp + 0x20;
    if (within(cp, 0x100, 0x137) || within(cp, 0x14A, 0x177)) return cp | 1;
    if (within(cp, 0x139, 0x148) || within(cp, 0x179, 0x17E)) return cp % 2 === 1 ? cp + 1 : cp;
    if (cp === 0x178) return 0xFF;
    if (within(cp, 0x391, 0x3A9) && cp !== 0x3A2) return cp + 0x20;
    if (within(cp, 0x410, 0x42F)) return cp + 0x20;
    if (within(cp, 0x400, 0x40F)) return cp + 0x50;
    return cp;
  }

  function utf8Length(cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

  // The words of `text`: {word, start, end, ordinal}, start and end in UTF-16
  // units of `text`. With `compounds`, the joined form of two hyphenated words
  // follows them, as the index has it (search_text.h).
  function words(text, compounds) {
    var out = [];
    var ordinal = 0;
    var current = '', bytes = 0, start = 0, letter = false;
    var previous = null;  // {word, letter, ordinal, start} of the part before a hyphen
    var afterHyphen = false;
    var n = text.length;
    function codeAt(i) { return i < n ? text.codePointAt(i) : -1; }
    function peekWord(i) { var cp = codeAt(i); return cp >= 0 && isWordCodePoint(cp); }
    function finish(end) {
      if (current === '') return;
      if (bytes <= LONGEST_WORD) out.push({ word: current, start: start, end: end, ordinal: ordinal });
      if (compounds && afterHyphen && previous.letter && letter && previous.bytes + bytes <= LONGEST_WORD)
        out.push({ word: previous.word + current, start: previous.start, end: end, ordinal: previous.ordinal, compound: true });
      ordinal++;
      current = '';
      bytes = 0;
    }
    var i = 0;
    while (i < n) {
      var cp = text.codePointAt(i);
      var width = cp > 0xFFFF ? 2 : 1;
      if (cp < 0x80 ? asciiWord(cp) : (!isIgnorable(cp) && isWordCodePoint(cp))) {
        if (current === '') { start = i; letter = false; }
        if (cp > 57) letter = true;
        var low = lower(cp);
        current += String.fromCodePoint(low);
        bytes += utf8Length(low);
        i += width;
        continue;
      }
      if (cp >= 0x80 && isIgnorable(cp)) { i += width; continue; }
      var next = i + width;
      if ((cp === 0x27 || cp === 0x2019 || cp === 0x2BC) && current !== '' && peekWord(next)) {
        current += "'";
        bytes += 1;
        i = next;
        continue;
      }
      if ((cp === 0x2D || cp === 0x2010 || cp === 0x2011) && current !== '' && peekWord(next)) {
        var part = { word: current, letter: letter, ordinal: ordinal, start: start, bytes: bytes };
        finish(i);
        previous = part;
        afterHyphen = true;
        i = next;
        continue;
      }
      finish(i);
      afterHyphen = false;
      if (cp === 10) ordinal += LINE_GAP;
      i = next;
    }
    finish(n);
    return out;
  }

  // ---- Numbers as the index writes them (search_text.h append_number) -------

  var MORE = '!#$%()*+,-./:;=?', LAST = '0123456789@[]^_{';
  var DIGIT = {};
  for (var d = 0; d < 16; d++) { DIGIT[MORE.charAt(d)] = d; DIGIT[LAST.charAt(d)] = 16 + d; }

  function readNumbers(text) {
    var out = [], value = 0;
    for (var i = 0; i < text.length; i++) {
      var digit = DIGIT[text.charAt(i)];
      if (digit === undefined) throw new Error('not a number in the index: ' + text.charAt(i));
      if (digit < 16) value = value * 16 + digit;
      else { out.push(value * 16 + digit - 16); value = 0; }
    }
    return out;
  }

  // Optimal string alignment distance (a swap of two neighbours counts one),
  // or limit + 1 when it is more than `limit`.
  function distance(a, b, limit) {
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > limit) return limit + 1;
    var before = null, prev = new Array(lb + 1), row;
    for (var j = 0; j <= lb; j++) prev[j] = j;
    for (var i = 1; i <= la; i++) {
      row = new Array(lb + 1);
      row[0] = i;
      var best = i;
      for (j = 1; j <= lb; j++) {
        var cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
        var v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
        if (before && i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1))
          v = Math.min(v, before[j - 2] + 1);
        row[j] = v;
        if (v < best) best = v;
      }
      if (best > limit) return limit + 1;
      before = prev;
      prev = row;
    }
    return prev[lb];
  }

  // What a reader typed: quoted phrases, and words, stop words left out.
  // The last word, when nothing follows it, may be the start of a longer one.
  function parseQuery(query, stop) {
    var clauses = [], seen = {};
    var parts = query.split('"');
    if (parts.length % 2 === 0) parts[parts.length - 2] += ' ' + parts.pop();  // an unclosed quote is no phrase
    var endsOpen = /[^\s"]$/.test(query);
    for (var p = 0; p < parts.length; p++) {
      var found = words(parts[p], false);
      if (p % 2 === 1) {
        var kept = found.filter(function (w) { return !stop[w.word]; });
        if (kept.length > 1) {
          var base = kept[0].ordinal;
          clauses.push({ phrase: kept.map(function (w) { return { word: w.word, gap: w.ordinal - base }; }),
                         text: parts[p].trim() });
          continue;
        }
        found = kept;
        for (var k = 0; k < found.length; k++) if (!seen[found[k].word]) {
          seen[found[k].word] = true;
          clauses.push({ word: found[k].word, exact: true });
        }
        continue;
      }
      for (var i = 0; i < found.length; i++) {
        var w = found[i].word;
        var last = p === parts.length - 1 && i === found.length - 1 && endsOpen;
        if (stop[w] && !last) continue;
        if (seen[w]) continue;
        seen[w] = true;
        clauses.push({ word: w, prefix: last, stopWord: !!stop[w], optional: !!stop[w] });
      }
    }
    // A stop word typed last is kept only as the start of a longer word,
    // which a page need not have. A query of more than MAX_CLAUSES words is
    // searched for its first ones: a pasted paragraph fetches no more.
    return clauses.slice(0, MAX_CLAUSES);
  }

  var core = { words: words, readNumbers: readNumbers, distance: distance, parseQuery: parseQuery };
  if (typeof module === 'object' && module.exports) module.exports = core;
  if (typeof document === 'undefined') return;

  // ---- The page ---------------------------------------------------------------

  var script = document.currentScript;
  var metaUrl = new URL(script.getAttribute('data-meta'), document.baseURI);
  var base = new URL('./', metaUrl);             // search/
  var root = new URL(script.getAttribute('data-root'), document.baseURI);
  var form = document.querySelector('.search-form');
  var input = document.getElementById('search-words');
  var selects = { kind: document.getElementById('search-kind'), priority: document.getElementById('search-priority'),
                  year: document.getElementById('search-year') };
  var status = document.getElementById('search-status');
  var results = document.getElementById('search-results');
  var PAGE = 10;

  var meta = null, metaLoading = null;
  var pieces = {};  // by address: promises of parsed JSON
  var texts = {};   // by address: whole text files, when a server sends them whole
  var decoder = new TextDecoder('utf-8');
  var stop = {};
  var docKind, docYear, docGroup, groupPriorities;

  function fetchJson(path) {
    if (!pieces[path]) {
      pieces[path] = fetch(new URL(path, base)).then(function (r) {
        if (!r.ok) throw new Error(path + ': ' + r.status);
        return r.json();
      });
      pieces[path].catch(function () { delete pieces[path]; });
    }
    return pieces[path];
  }

  function loadMeta() {
    if (meta) return Promise.resolve(meta);
    if (!metaLoading) {
      metaLoading = fetch(metaUrl, { cache: 'no-cache' }).then(function (r) {
        if (!r.ok) throw new Error('meta.json: ' + r.status);
        return r.json();
      }).then(function (m) {
        meta = m;
        m.stop.forEach(function (w) { stop[w] = true; });
        docKind = new Int16Array(m.documents);
        docYear = new Int16Array(m.documents);
        docGroup = new Int32Array(m.documents);
        groupPriorities = [];
        var at = 0;
        m.groups.forEach(function (g, gi) {
          groupPriorities.push(g[2]);
          for (var k = 0; k < g[3]; k++, at++) { docKind[at] = g[0]; docYear[at] = g[1]; docGroup[at] = gi; }
        });
        m.priorityOf = {};
        m.priorities.forEach(function (p, v) { p.ids.forEach(function (id) { m.priorityOf[id] = v; }); });
        return m;
      });
      metaLoading.catch(function () { metaLoading = null; });
    }
    return metaLoading;
  }

  // The piece of a sorted list of [first, …] entries that holds `key`.
  function pieceOf(list, key) {
    var lo = 0, hi = list.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (list[mid][0] <= key) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  // The entries of a list of pieces (words or stems) whose pieces may hold
  // keys from `from` to `to`, both inclusive: from the directories meta.json names.
  function listed(name, from, to) {
    var dirs = meta[name], a = pieceOf(dirs, from), b = pieceOf(dirs, to), wanted = [];
    for (var i = a; i <= b; i++) wanted.push(fetchJson('dirs/' + dirs[i][1] + '.json'));
    return Promise.all(wanted).then(function (found) {
      var all = [];
      found.forEach(function (d) { all = all.concat(d.entries); });
      return all.slice(pieceOf(all, from), pieceOf(all, to) + 1);
    });
  }

  function vocabulary(entry) {
    return fetchJson('words/' + entry[1] + '.json').then(function (piece) {
      if (!piece.list) piece.list = piece.words.map(function (e) { return typeof e === 'string' ? [e, e] : e; });
      return piece.list;
    });
  }

  // The vocabulary entries of the piece that would hold `word`.
  function vocabularyOf(word) {
    return listed('words', word, word).then(function (entries) { return vocabulary(entries[0]); });
  }

  // Every vocabulary entry from `from` (inclusive) to `to` (exclusive).
  function vocabularyRange(from, to) {
    return listed('words', from, to).then(function (entries) {
      return Promise.all(entries.map(vocabulary));
    }).then(function (lists) {
      var out = [];
      lists.forEach(function (l) { l.forEach(function (e) { if (e[0] >= from && e[0] < to) out.push(e); }); });
      return out;
    });
  }

  function nextCodePoint(s) {
    var cp = s.codePointAt(0);
    return String.fromCodePoint(cp + 1);
  }

  // The stems a word of the query stands for, each with its weight:
  // its own (1), longer words it starts (0.8, the last word only), and, for a
  // word the index does not have, words one or two edits away (0.6, 0.45).
  function expand(clause) {
    var w = clause.word;
    return vocabularyOf(w).then(function (list) {
      var found = [];
      var exact = null;
      for (var i = 0; i < list.length; i++) if (list[i][0] === w) { exact = list[i]; break; }
      if (exact && !clause.stopWord) found.push({ stem: exact[1], weight: 1, word: w });
      var waits = [];
      if (clause.prefix && w.length >= 2) {
        waits.push(vocabularyRange(w, w + '\uffff').then(function (entries) {
          entries = entries.filter(function (e) { return e[0] !== w; });
          entries.sort(function (a, b) { return a[0].length - b[0].length || (a[0] < b[0] ? -1 : 1); });
          entries.slice(0, 20).forEach(function (e) { found.push({ stem: e[1], weight: 0.8, word: e[0] }); });
        }));
      }
      var size = Array.from(w).length;
      var limit = size >= meta.typos[1] ? 2 : size >= meta.typos[0] ? 1 : 0;
      if (!exact && !clause.exact && !clause.stopWord && limit > 0) {
        var first = String.fromCodePoint(w.codePointAt(0));
        waits.push(vocabularyRange(first, nextCodePoint(first)).then(function (entries) {
          entries.forEach(function (e) {
            var dist = distance(w, e[0], limit);
            if (dist <= limit) found.push({ stem: e[1], weight: dist === 1 ? 0.6 : 0.45, word: e[0], typo: true });
          });
        }));
      }
      return Promise.all(waits).then(function () { return found; });
    });
  }

  function stemEntry(stem) {
    return listed('stems', stem, stem).then(function (entries) {
      return fetchJson('stems/' + entries[0][1] + '.json');
    }).then(function (piece) {
      var e = piece.stems[stem];
      if (!e) return null;
      if (!e.decoded) {
        var docs = readNumbers(e.docs), at = -1;
        for (var k = 0; k < docs.length; k++) { at = k === 0 ? docs[0] : at + docs[k] + 1; docs[k] = at; }
        e.decoded = { docs: docs, impacts: readNumbers(e.impacts), offsets: readNumbers(e.offsets) };
      }
      return e;
    });
  }

  function placesOf(stem) {
    var places = listed('stems', stem, stem).then(function (entries) { return fetchJson('places/' + entries[0][2] + '.json'); });
    return Promise.all([stemEntry(stem), places]).then(function (both) {
      var entry = both[0], piece = both[1];
      if (!entry) return null;
      if (!entry.places) {
        var numbers = readNumbers(piece.stems[stem]);
        var map = {}, at = 0;
        entry.decoded.docs.forEach(function (doc) {
          var count = numbers[at++], list = [], p = 0;
          for (var k = 0; k < count; k++) { p += numbers[at++]; list.push(p); }
          map[doc] = list;
        });
        entry.places = map;
      }
      return entry;
    });
  }

  function weightOf(impact) { return Math.exp(Math.log(meta.impact_range) * impact / 254) / meta.impact_range; }

  // Scores every page for one clause: {score, offset, rarity} by page.
  function scoreClause(clause) {
    var n = meta.documents;
    var score = new Float64Array(n), offset = new Int32Array(n), rarity = new Int32Array(n).fill(0x7fffffff);
    var forms = {};
    if (clause.phrase) {
      return Promise.all(clause.phrase.map(function (w) {
        return vocabularyOf(w.word).then(function (list) {
          for (var i = 0; i < list.length; i++) if (list[i][0] === w.word) return placesOf(list[i][1]);
          return null;
        });
      })).then(function (entries) {
        var result = { score: score, offset: offset, rarity: rarity, forms: forms };
        if (entries.some(function (e) { return !e; })) return result;
        clause.wordForms = entries.map(function (e) {
          var set = {};
          e.forms.forEach(function (f) { set[f] = true; forms[f] = true; });
          return set;
        });
        var at = entries.map(function (e) {
          var index = new Int32Array(n).fill(-1);
          e.decoded.docs.forEach(function (doc, k) { index[doc] = k; });
          return index;
        });
        entries[0].decoded.docs.forEach(function (doc, k) {
          for (var s = 1; s < entries.length; s++) if (at[s][doc] < 0) return;
          var hit = entries[0].places[doc].some(function (p) {
            for (var s = 1; s < entries.length; s++) if (entries[s].places[doc].indexOf(p + clause.phrase[s].gap) < 0) return false;
            return true;
          });
          if (!hit) return;
          var total = 0;
          entries.forEach(function (e, s) { total += weightOf(e.decoded.impacts[at[s][doc]]); });
          score[doc] = total * 1.2;
          offset[doc] = entries[0].decoded.offsets[k];
          rarity[doc] = entries[0].decoded.docs.length;
        });
        return result;
      });
    }
    return expand(clause).then(function (stems) {
      return Promise.all(stems.map(function (s) { return stemEntry(s.stem); })).then(function (entries) {
        entries.forEach(function (e, i) {
          if (!e) return;
          var weight = stems[i].weight;
          e.forms.forEach(function (f) { forms[f] = true; });
          var dec = e.decoded;
          for (var k = 0; k < dec.docs.length; k++) {
            var doc = dec.docs[k], v = weightOf(dec.impacts[k]) * weight;
            if (v > score[doc]) {
              score[doc] = v;
              offset[doc] = dec.offsets[k];
              rarity[doc] = dec.docs.length;
            }
          }
        });
        return { score: score, offset: offset, rarity: rarity, forms: forms };
      });
    });
  }

  function filters() {
    return { kind: selects.kind.value, priority: selects.priority.value, year: selects.year.value };
  }

  function passes(doc, f, skip) {
    if (skip !== 'kind' && f.kind !== '' && meta.kinds[docKind[doc]].id !== f.kind) return false;
    if (skip !== 'year' && f.year !== '' && String(docYear[doc]) !== f.year) return false;
    if (skip !== 'priority' && f.priority !== '') {
      var v = meta.priorityOf[f.priority];
      if (v === undefined || groupPriorities[docGroup[doc]].indexOf(v) < 0) return false;
    }
    return true;
  }

  // Runs a query: every page that has every clause (or, when none does, some).
  function run(query) {
    return loadMeta().then(function () {
      var clauses = parseQuery(query, stop);
      if (clauses.length === 0) return { query: query, clauses: clauses, found: [], partial: false };
      return Promise.all(clauses.map(scoreClause)).then(function (scored) {
        var n = meta.documents, found = [], partial = false;
        var required = clauses.filter(function (c) { return !c.optional; }).length;
        function gather(all) {
          for (var doc = 0; doc < n; doc++) {
            var total = 0, matched = 0, best = -1, rare = 0x7fffffff;
            for (var c = 0; c < scored.length; c++) {
              var s = scored[c].score[doc];
              if (s > 0) {
                total += s;
                if (!clauses[c].optional) matched++;
                if (scored[c].offset[doc] > 0 && scored[c].rarity[doc] < rare) { rare = scored[c].rarity[doc]; best = scored[c].offset[doc]; }
              }
            }
            if (total === 0 || (all && matched < required)) continue;
            found.push({ doc: doc, score: total + matched * 1000 * (all ? 0 : 1), offset: best > 0 ? best - 1 : 0, inText: best > 0 });
          }
        }
        gather(true);
        if (found.length === 0 && required > 1) { gather(false); partial = found.length > 0; }
        found.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
        var forms = {};
        scored.forEach(function (s) { for (var f in s.forms) forms[f] = true; });
        var phrases = clauses.filter(function (c) { return c.phrase; });
        return { query: query, clauses: clauses, found: found, partial: partial, forms: forms, phrases: phrases };
      });
    });
  }

  // ---- Showing results --------------------------------------------------------

  function docInfo(doc) {
    var piece = Math.floor(doc / meta.per_piece);
    return fetchJson('dirs/' + meta.docs[Math.floor(piece / meta.per_directory)] + '.json').then(function (dir) {
      var names = dir.entries[piece % meta.per_directory];
      return fetchJson('docs/' + names[0] + '.json').then(function (p) {
        var info = p.docs[doc % meta.per_piece];
        info.textFile = 'docs/' + names[1] + '.txt';
        return info;
      });
    });
  }

  // Bytes [from, to) of a page's text, by a range request; a server that
  // sends the whole file instead is read whole, once.
  function textBytes(info, from, to) {
    var file = info.textFile, at = info.text[0];
    if (texts[file]) return Promise.resolve(texts[file].slice(at + from, at + to));
    return fetch(new URL(file, base), { headers: { Range: 'bytes=' + (at + from) + '-' + (at + to - 1) } }).then(function (r) {
      if (!r.ok) throw new Error(file + ': ' + r.status);
      return r.arrayBuffer().then(function (buffer) {
        if (r.status === 206) return new Uint8Array(buffer);
        texts[file] = new Uint8Array(buffer);
        return texts[file].slice(at + from, at + to);
      });
    });
  }

  function utf8Bytes(s) { return new TextEncoder().encode(s).length; }

  // A passage of about 220 characters around `centre` (UTF-16 units in
  // `text`), where the most distinct matched words are, as pieces of text,
  // each marked or not; and its byte offset in the page's text.
  function passage(text, offsetInText, result, atStart, atEnd, centre) {
    var marked = words(text, false).filter(function (w) { return result.forms[w.word]; });
    var from = Math.max(0, centre - 40), best = -1;
    marked.forEach(function (m) {
      if (m.start < centre - 160 || m.start > centre + 40) return;
      var distinct = {};
      marked.forEach(function (o) { if (o.start >= m.start && o.end <= m.start + 180) distinct[o.word] = true; });
      var count = Object.keys(distinct).length;
      if (count > best || (count === best && Math.abs(m.start - centre) < Math.abs(from + 40 - centre))) {
        best = count;
        from = Math.max(0, m.start - 40);
      }
    });
    var to = Math.min(text.length, from + 220);
    // Whole words at both ends; a line's start is a good place to begin.
    var line = text.lastIndexOf('\n', from);
    if (line >= 0 && line > from - 40) from = line + 1;
    else if (from > 0) { var space = text.indexOf(' ', from); if (space >= 0 && space < from + 30) from = space + 1; }
    if (to < text.length) { var back = text.lastIndexOf(' ', to); if (back > from + 40) to = back; }
    var parts = [];
    if (from > 0 || !atStart) parts.push({ text: '… ' });
    var at = from;
    marked.forEach(function (m) {
      if (m.start < from || m.end > to) return;
      if (m.start > at) parts.push({ text: text.slice(at, m.start) });
      parts.push({ text: text.slice(m.start, m.end), mark: true });
      at = m.end;
    });
    if (to > at) parts.push({ text: text.slice(at, to) });
    if (to < text.length || !atEnd) parts.push({ text: ' …' });
    parts.forEach(function (p) { p.text = p.text.replace(/\n+/g, ' · '); });
    // Where the passage's first match is, for the heading it comes under.
    var first = marked.filter(function (m) { return m.start >= from && m.end <= to; })[0];
    return { parts: parts, offset: offsetInText + utf8Bytes(text.slice(0, first ? first.start : from)) };
  }

  // Where a phrase starts in `text`, in UTF-16 units, or -1: a run of
  // words, each a form of the phrase's word (stop words are gaps).
  function findPhrase(text, phrase) {
    if (!phrase.wordForms) return -1;
    var found = words(text, false), byOrdinal = {};
    found.forEach(function (w) { byOrdinal[w.ordinal] = w; });
    for (var i = 0; i < found.length; i++) {
      var ok = phrase.phrase.every(function (p, k) {
        var w = byOrdinal[found[i].ordinal + p.gap];
        return w && phrase.wordForms[k][w.word];
      });
      if (ok) return found[i].start;
    }
    return -1;
  }

  function excerpt(result, hit, info) {
    var size = info.text[1];
    if (size === 0) return Promise.resolve({ parts: [], offset: 0 });
    var from = Math.max(0, hit.offset - 200), to = Math.min(size, hit.offset + 400);
    return textBytes(info, from, to).then(function (bytes) {
      var text = decoder.decode(bytes);
      var centre = decoder.decode(bytes.slice(0, hit.offset - from)).length;
      var phrase = result.phrases.length ? result.phrases[0] : null;
      if (!phrase) return passage(text, from, result, from === 0, to === size, centre);
      var start = findPhrase(text, phrase);
      if (start >= 0) return passage(text, from, result, from === 0, to === size, start);
      // The phrase is further on: read the whole text.
      return textBytes(info, 0, size).then(function (all) {
        var whole = decoder.decode(all);
        var at = findPhrase(whole, phrase);
        return passage(whole, 0, result, true, true, at >= 0 ? at : decoder.decode(all.slice(0, hit.offset)).length);
      });
    });
  }

  // The heading a place in a page's text comes under: the last one before
  // it that a link can point at.
  function sectionAt(info, offset) {
    var found = null;
    info.sections.forEach(function (s) { if (s[0] <= offset && s[1]) found = s; });
    return found;
  }

  function quoted(query) { return '‘' + query.trim() + '’'; }

  function countText(n) { return n === 1 ? '1 result' : n + ' results'; }

  function resultItem(hit, info, ex) {
    var item = document.createElement('li');
    item.className = 'search-result';
    var section = hit.inText ? sectionAt(info, ex.offset) : null;
    var link = document.createElement('a');
    link.href = new URL(info.url + (section && section[1] ? '#' + section[1] : ''), root).href;
    link.textContent = info.title;
    var title = document.createElement('h3');
    title.appendChild(link);
    item.appendChild(title);
    var facts = document.createElement('p');
    facts.className = 'search-result-facts';
    var bits = [meta.kinds[info.kind].label];
    if (info.date) bits.push(info.date);
    if (section && section[2]) bits.push('Section: ' + section[2]);
    facts.textContent = bits.join(' · ');
    item.appendChild(facts);
    if (ex.parts.length) {
      var p = document.createElement('p');
      p.className = 'search-result-passage';
      ex.parts.forEach(function (part) {
        if (part.mark) {
          var m = document.createElement('mark');
          m.textContent = part.text;
          p.appendChild(m);
        } else {
          p.appendChild(document.createTextNode(part.text));
        }
      });
      item.appendChild(p);
    }
    return item;
  }

  var shown = null;  // {result, list, hits, count}

  function showMore(focusFirst) {
    var state = shown;
    var batch = state.hits.slice(state.count, state.count + PAGE);
    state.count += batch.length;
    return Promise.all(batch.map(function (hit) {
      return docInfo(hit.doc).then(function (info) {
        return excerpt(state.result, hit, info).catch(function () { return { parts: [], offset: 0 }; })
          .then(function (ex) { return resultItem(hit, info, ex); });
      });
    })).then(function (items) {
      if (shown !== state) return;
      items.forEach(function (item) { state.list.appendChild(item); });
      var more = results.querySelector('.search-more');
      var left = state.hits.length - state.count;
      if (left > 0) {
        if (!more) {
          more = document.createElement('button');
          more.type = 'button';
          more.className = 'search-more';
          more.addEventListener('click', function () { showMore(true); });
          results.appendChild(more);
        }
        more.textContent = left > PAGE ? 'Show ' + PAGE + ' more results' : 'Show the last ' + countText(left);
      } else if (more) {
        more.remove();
      }
      if (focusFirst && items.length) {
        items[0].querySelector('a').focus();
        status.textContent = 'Showing ' + state.count + ' of ' + countText(state.hits.length);
      }
    });
  }

  function updateCounts(found, f) {
    var counts = { kind: {}, priority: {}, year: {} };
    found.forEach(function (hit) {
      var doc = hit.doc;
      if (passes(doc, f, 'kind')) counts.kind[meta.kinds[docKind[doc]].id] = (counts.kind[meta.kinds[docKind[doc]].id] || 0) + 1;
      if (passes(doc, f, 'year') && docYear[doc]) counts.year[docYear[doc]] = (counts.year[docYear[doc]] || 0) + 1;
      if (passes(doc, f, 'priority'))
        groupPriorities[docGroup[doc]].forEach(function (v) {
          var id = meta.priorities[v].id;
          counts.priority[id] = (counts.priority[id] || 0) + 1;
        });
    });
    ['kind', 'priority', 'year'].forEach(function (name) {
      Array.prototype.forEach.call(selects[name].options, function (option) {
        if (!option.hasAttribute('data-label')) option.setAttribute('data-label', option.textContent);
        var label = option.getAttribute('data-label');
        option.textContent = option.value === '' ? label : label + ' (' + (counts[name][option.value] || 0) + ')';
      });
    });
  }

  // Every page, for the filters' counts before a query.
  function allPages() {
    var out = [];
    for (var doc = 0; doc < meta.documents; doc++) out.push({ doc: doc });
    return out;
  }

  function address(query, f) {
    var params = new URLSearchParams();
    if (query) params.set('q', query);
    ['kind', 'priority', 'year'].forEach(function (k) { if (f[k]) params.set(k, f[k]); });
    var s = params.toString();
    return location.pathname + (s ? '?' + s : '');
  }

  var generation = 0;

  function search() {
    var query = input.value;
    var f = filters();
    var mine = ++generation;
    history.replaceState(null, '', address(query, f));
    if (query.trim() === '') {
      shown = null;
      results.textContent = '';
      status.textContent = '';
      return loadMeta().then(function () { if (mine === generation) updateCounts(allPages(), f); });
    }
    return run(query).then(function (result) {
      if (mine !== generation) return;
      var hits = result.found.filter(function (h) { return passes(h.doc, f); });
      updateCounts(result.found, f);
      results.textContent = '';
      var heading = document.createElement('h2');
      var filtered = f.kind || f.priority || f.year;
      heading.textContent = (hits.length === 0 ? 'No results' : countText(hits.length)) +
        (result.partial ? ' with some of the words of ' : ' for ') + quoted(query) + (filtered ? ', filtered' : '');
      results.appendChild(heading);
      if (result.partial) {
        var note = document.createElement('p');
        note.textContent = 'No page has all of these words, so these pages have some of them.';
        results.appendChild(note);
      }
      if (hits.length === 0) {
        var help = document.createElement('p');
        help.textContent = filtered ? 'Try removing a filter, or other words.' : 'Check the spelling, or try other words.';
        results.appendChild(help);
      }
      var list = document.createElement('ol');
      list.className = 'search-results-list';
      results.appendChild(list);
      shown = { result: result, list: list, hits: hits, count: 0 };
      status.textContent = heading.textContent;
      return showMore(false);
    }).catch(function () {
      if (mine !== generation) return;
      results.textContent = '';
      var p = document.createElement('p');
      p.textContent = 'The search index could not be loaded. Please try again, or use the section lists below.';
      results.appendChild(p);
      status.textContent = p.textContent;
    });
  }

  var typing = null;
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    clearTimeout(typing);
    search();
  });
  input.addEventListener('input', function () {
    clearTimeout(typing);
    typing = setTimeout(search, 300);
  });
  Object.keys(selects).forEach(function (k) { selects[k].addEventListener('change', search); });

  var params = new URLSearchParams(location.search);
  input.value = params.get('q') || '';
  Object.keys(selects).forEach(function (k) {
    var v = params.get(k);
    if (!v) return;
    if (k === 'priority') {
      // An id a priority was once known by selects the priority it became.
      loadMeta().then(function (m) {
        var at = m.priorityOf[v];
        selects.priority.value = at === undefined ? '' : m.priorities[at].id;
      });
    } else {
      selects[k].value = v;
    }
  });
  loadMeta().then(search, function () { search(); });
})(this);
