// The editor's form: checks and preview as one types, saving, publishing,
// and keeping what was typed in the browser until it is saved or discarded.
// Its elements' ids are those of editorIds (editor/ids.toml), served before it.
(function (ids) {
  'use strict';
  var secret = document.body.getAttribute('data-secret');
  // A page that opens with what was done, or what stopped it (a banner, an error summary), starts there.
  var opening = document.querySelector('main [role=alert][tabindex="-1"]');
  if (opening) opening.focus();
  var form = document.getElementById(ids.form);
  if (!form) return;
  var path = form.getAttribute('data-path');
  var mode = form.getAttribute('data-mode');
  var base = form.getAttribute('data-base');
  var storeKey = 'portal-edit:' + path;
  var $ = function (id) { return document.getElementById(id); };
  // A field's id, from its key; and an id without a suffix of the list (field-title-error → field-title).
  function fieldId(key) { return ids.field + key; }
  function withoutSuffix(id, suffix) { return id.slice(-suffix.length) === suffix ? id.slice(0, -suffix.length) : id; }
  var preview = $(ids.preview);
  var summary = $(ids.error_summary);
  var status = $(ids.check_status);

  // A button the script adds: its id, class and words.
  function newButton(id, className, words) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = className;
    b.id = id;
    b.textContent = words;
    return b;
  }

  function post(route, params) {
    return fetch('/__portal/edit/' + route, {
      method: 'POST',
      headers: { 'X-Portal-Secret': secret },
      body: params,
      credentials: 'same-origin'
    }).then(function (r) {
      return r.json().then(function (body) { return { status: r.status, body: body }; });
    });
  }

  // Every element that holds something typed, for keeping and putting back.
  function inputs() {
    return Array.prototype.slice.call(form.querySelectorAll('input, textarea')).filter(function (e) {
      return e.id && e.type !== 'hidden' && !e.readOnly && e.id !== fieldId('message');
    });
  }
  function snapshot() {
    var s = {};
    inputs().forEach(function (e) { s[e.id] = e.type === 'checkbox' ? e.checked : e.value; });
    return s;
  }
  function apply(s) {
    inputs().forEach(function (e) {
      if (!(e.id in s)) return;
      if (e.type === 'checkbox') e.checked = !!s[e.id];
      else e.value = s[e.id];
    });
  }

  // A date as typed in its parts (day, month, year; hour and minute), as the server reads it
  // (YYYY-MM-DD, or with THH:MM), and spelled out for the person: "Thursday 3 December 2026 at 14:00".
  // Parts that make no date are passed on as typed, for the checker to say what is wrong.
  var months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
    'November', 'December'];
  var weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  function dateOf(fieldset) {
    var part = function (name) {
      var e = $(fieldset.id + '-' + name);
      return e ? e.value.trim() : '';
    };
    var pad = function (s, n) { return /^[0-9]+$/.test(s) && s.length < n ? ('0000' + s).slice(-n) : s; };
    var d = part('day'), m = part('month'), y = part('year'), h = part('hour'), min = part('minute');
    var time = h || min ? pad(h, 2) + ':' + pad(min || '0', 2) : '';
    if (!d && !m && !y) return time ? { value: 'T' + time, spelled: 'Give the date as well as the time.' } : { value: '', spelled: '' };
    // The year as typed: "24" is not taken for 2024, nor for the year 24, but refused.
    var value = y + '-' + pad(m, 2) + '-' + pad(d, 2);
    if (time) value += 'T' + time;
    var day = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
    var dayOk = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value.slice(0, 10)) && y.length === 4 &&
      day.getUTCFullYear() === Number(y) && day.getUTCMonth() === Number(m) - 1 && day.getUTCDate() === Number(d);
    var whole = dayOk && (!time || /^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(time));
    return {
      value: value,
      spelled: whole ? weekdays[day.getUTCDay()] + ' ' + Number(d) + ' ' + months[day.getUTCMonth()] + ' ' + y +
        (time ? ' at ' + time : '') : !dayOk ? 'Not yet a whole date: give the day and the month in numbers, and the year in 4 numbers.'
        : 'Not yet a time: give the hour from 0 to 23 and the minute from 0 to 59.'
    };
  }
  function spellDates() {
    form.querySelectorAll('fieldset[data-type="date"], fieldset[data-type="date_time"]').forEach(function (f) {
      var spelled = $(f.id + '-spelled');
      var now = dateOf(f).spelled;
      if (spelled.textContent !== now) spelled.textContent = now;
    });
  }

  // The form's values as the server reads them (front_matter_edit.h FormValues), and its text.
  function formValues() {
    var v = {};
    form.querySelectorAll('[data-field]').forEach(function (e) {
      var key = e.getAttribute('data-field');
      var type = e.getAttribute('data-type');
      var value;
      if (type === 'boolean') value = e.checked ? 'true' : '';
      else if (type === 'priorities') {
        var chosen = [];
        e.querySelectorAll('.boxes input:checked').forEach(function (b) { chosen.push(b.value); });
        $(e.id + ids.other).value.split(',').forEach(function (id) {
          id = id.trim();
          if (id && chosen.indexOf(id) < 0) chosen.push(id);
        });
        value = chosen.join('\n');
      } else if (type === 'date' || type === 'date_time') value = dateOf(e).value;
      else value = e.value;
      v['f.' + key] = value;
    });
    v.body = $(fieldId('body')).value;
    return v;
  }
  // The form as the server reads it; with what each field held when the form opened (was.),
  // so that a file changed elsewhere meanwhile is merged field by field.
  function params() {
    var p = new FormData();
    p.set('path', path);
    p.set('base', base);
    p.set('mode', mode);
    if (mode === 'text') {
      p.set('text', $(fieldId('text')).value);
      return p;
    }
    var v = formValues();
    Object.keys(v).forEach(function (k) { p.set(k, v[k]); });
    Object.keys(opened).forEach(function (k) { p.set('was.' + k, opened[k]); });
    return p;
  }

  var initial = snapshot();
  var opened = mode === 'form' ? formValues() : {};
  var changed = false;
  function keep() {
    var now = snapshot();
    changed = JSON.stringify(now) !== JSON.stringify(initial);
    try {
      if (changed) localStorage.setItem(storeKey, JSON.stringify({ base: base, values: now, opened: opened, at: Date.now() }));
      else localStorage.removeItem(storeKey);
    } catch (e) { /* storage full or refused: the page still works */ }
  }
  function forget() {
    try { localStorage.removeItem(storeKey); } catch (e) { /* nothing kept */ }
  }

  // What was typed and not saved comes back when the page opens again.
  try {
    var kept = JSON.parse(localStorage.getItem(storeKey) || 'null');
    if (kept && kept.values && JSON.stringify(kept.values) !== JSON.stringify(initial)) {
      apply(kept.values);
      spellDates();
      changed = true;
      var when = new Date(kept.at);
      $(ids.restored_text).textContent = 'Your changes from ' + when.toLocaleString('en-GB') +
        ' that were not saved have been put back.' +
        (kept.base !== base ? ' The file has changed since: saving will show you both versions.' : '');
      $(ids.restored).hidden = false;
      if (kept.base !== base) base = kept.base;
      if (kept.opened) opened = kept.opened;
    }
  } catch (e) { /* nothing kept */ }
  $(ids.discard).addEventListener('click', function () {
    forget();
    location.reload();
  });

  // Checks: at most one request at a time, the latest form when it returns.
  var inFlight = false, again = false, checks = 0;
  function check() {
    if (inFlight) { again = true; return; }
    inFlight = true;
    post('check', params()).then(function (r) {
      show(r.body);
    }).catch(function () {
      status.textContent = 'The preview is not answering: is portal serve still running?';
    }).then(function () {
      inFlight = false;
      if (again) { again = false; check(); }
    });
  }

  function fieldGroup(key) {
    return $(fieldId(mode === 'text' ? 'text' : key) + ids.group);
  }
  function fieldTarget(d) {
    if (mode === 'text') return fieldId('text');
    if (d.field === 'body') return fieldId('body');
    return d.field && $(fieldId(d.field)) ? fieldId(d.field) : fieldId(mode === 'form' ? 'body' : 'text');
  }
  function goToLine(textarea, line) {
    var lines = textarea.value.split('\n');
    var at = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) at += lines[i].length + 1;
    textarea.focus();
    textarea.setSelectionRange(at, at + (lines[line - 1] || '').length);
  }
  function describe(id, extra) {
    var e = $(id);
    if (!e) return;
    var described = (e.getAttribute('aria-describedby') || '').split(' ')
      .filter(function (x) { return x && withoutSuffix(x, ids.error) === x; });
    if (extra) described.push(extra);
    if (described.length) e.setAttribute('aria-describedby', described.join(' '));
    else e.removeAttribute('aria-describedby');
  }

  // The same problems as before leave the page as it is, so that nobody
  // moving through the summary loses their place; new ones keep focus on the
  // same link where it is still there.
  var lastShown = null;
  function showDiagnostics(list) {
    var key = JSON.stringify(list);
    if (key === lastShown) return;
    lastShown = key;
    var focusedLink = summary.contains(document.activeElement) ? document.activeElement.getAttribute('href') : null;
    form.querySelectorAll('.field-error').forEach(function (g) { g.classList.remove('field-error'); });
    form.querySelectorAll('.error-message').forEach(function (m) {
      m.hidden = true;
      m.textContent = '';
      if (m.id) describe(withoutSuffix(m.id, ids.error), null);
    });
    var items = $(ids.error_list);
    items.textContent = '';
    list.forEach(function (d) {
      var target = fieldTarget(d);
      var where = d.field === 'body' ? ' (line ' + d.body_line + ' of the text)' :
        (mode === 'text' ? ' (line ' + d.line + ')' : '');
      var li = document.createElement('li');
      if (d.severity !== 'error') li.className = 'summary-warning';
      var a = document.createElement('a');
      a.href = '#' + target;
      a.textContent = (d.severity === 'error' ? '' : 'Warning: ') + d.message + where;
      a.addEventListener('click', function (ev) {
        ev.preventDefault();
        var t = $(target);
        if (t.tagName === 'TEXTAREA' && (d.field === 'body' || mode === 'text')) goToLine(t, d.field === 'body' ? d.body_line : d.line);
        else (t.tagName === 'FIELDSET' ? (t.querySelector('input') || t) : t).focus();
      });
      li.appendChild(a);
      items.appendChild(li);
      var group = fieldGroup(d.field || 'body');
      var message = group && group.querySelector('.error-message');
      if (!message) return;
      if (d.severity === 'error') group.classList.add('field-error');
      message.hidden = false;
      var line = document.createElement('span');
      line.className = d.severity === 'error' ? 'error-text' : 'warning-text';
      var label = document.createElement('span');
      label.className = 'visually-hidden';
      label.textContent = d.severity === 'error' ? 'Error: ' : 'Warning: ';
      line.appendChild(label);
      line.appendChild(document.createTextNode((d.severity === 'error' ? '' : 'Warning: ') + d.message + where));
      message.appendChild(line);
      if (d.hint) {
        var hint = document.createElement('span');
        hint.className = 'hint-text';
        hint.textContent = d.hint;
        message.appendChild(hint);
      }
      describe(withoutSuffix(message.id, ids.error), message.id);
    });
    summary.hidden = list.length === 0;
    if (focusedLink) {
      var again = items.querySelector('a[href="' + focusedLink + '"]');
      (again || (summary.hidden ? status : summary)).focus();
    }
  }

  function showPriorities(choices, agreement) {
    var priorities = fieldId('priorities');
    var group = $(priorities);
    if (!group || !choices) return;
    $(priorities + ids.agreement).textContent = agreement;
    var boxes = $(priorities + ids.boxes);
    var now = [];
    boxes.querySelectorAll('input').forEach(function (b) { now.push(b.value); });
    var offered = choices.map(function (c) { return c.id; });
    if (now.join('\n') === offered.join('\n')) return;
    var chosen = params().get('f.priorities').split('\n').filter(Boolean);
    boxes.textContent = '';
    choices.forEach(function (c) {
      var div = document.createElement('div');
      div.className = 'box';
      var input = document.createElement('input');
      input.type = 'checkbox';
      input.id = ids.priority + c.id;
      input.value = c.id;
      input.checked = chosen.indexOf(c.id) >= 0;
      var label = document.createElement('label');
      label.htmlFor = input.id;
      label.textContent = c.name;
      if (c.theme) {
        var tag = document.createElement('span');
        tag.className = 'tag';
        tag.textContent = 'cross-cutting theme';
        label.appendChild(document.createTextNode(' '));
        label.appendChild(tag);
      }
      div.appendChild(input);
      div.appendChild(label);
      boxes.appendChild(div);
    });
    $(priorities + ids.other).value = chosen.filter(function (id) { return offered.indexOf(id) < 0; }).join(', ');
  }

  function show(r) {
    if (r.error) {
      status.textContent = r.error;
      return;
    }
    showDiagnostics(r.diagnostics || []);
    showPriorities(r.priorities, r.agreement);
    if (r.state) $(ids.state).textContent = r.state;
    var words = r.errors === 0 && r.warnings === 0 ? 'No problems found' :
      [r.errors ? r.errors + (r.errors === 1 ? ' error' : ' errors') : '',
       r.warnings ? r.warnings + (r.warnings === 1 ? ' warning' : ' warnings') : ''].filter(Boolean).join(' and ');
    if (status.textContent !== words) status.textContent = words;
    if (r.preview) {
      $(ids.preview_note).textContent = 'The page as the site will show it, updated as you type.';
      var y = 0;
      try { y = preview.contentWindow.scrollY; } catch (e) { y = 0; }
      preview.onload = function () {
        try { preview.contentWindow.scrollTo(0, y); } catch (e) { /* a page of another origin */ }
        document.documentElement.setAttribute('data-checks', String(++checks));
      };
      preview.srcdoc = r.preview;
    } else {
      if (r.preview_note) $(ids.preview_note).textContent = r.preview_note;
      document.documentElement.setAttribute('data-checks', String(++checks));
    }
  }

  function typed(ev) {
    if (ev.target.id === fieldId('message')) return;
    spellDates();
    keep();
    check();
  }
  // On a narrow screen the form and the page take turns: the page is a button away, never 5,000 pixels down.
  var toggle = $(ids.preview_toggle);
  toggle.addEventListener('click', function () {
    var showing = $(ids.edit_layout).classList.toggle('showing-preview');
    toggle.textContent = showing ? 'Back to the form' : 'Preview';
  });

  // Restricting takes a document off the site, title and all: a choice confirmed, never made by a slip.
  var restrictedBox = $(fieldId('restricted'));
  if (restrictedBox) restrictedBox.addEventListener('change', function () {
    if (restrictedBox.checked && !window.confirm('Restrict this document? It will never be published, not even ' +
        'its title, and if it is on the site now it leaves at the next build.')) restrictedBox.checked = false;
  });
  form.addEventListener('input', typed);
  form.addEventListener('change', typed);

  var saveStatus = $(ids.save_status);
  function time() {
    return new Date().toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  }
  // Fields changed both here and elsewhere: each with both values, yours kept unless you take theirs.
  function conflictFields(fields) {
    var box = $(ids.conflict_fields);
    box.textContent = '';
    (fields || []).forEach(function (f) {
      var set = document.createElement('fieldset');
      set.className = 'conflict-field';
      var legend = document.createElement('legend');
      legend.textContent = f.label;
      set.appendChild(legend);
      [['mine', 'Keep yours', f.mine], ['theirs', 'Take the one saved elsewhere', f.theirs]].forEach(function (o) {
        var id = 'keep-' + f.key + '-' + o[0];
        var row = document.createElement('div');
        row.className = 'conflict-choice conflict-' + o[0];
        var input = document.createElement('input');
        input.type = 'radio';
        input.name = 'keep.' + f.key;
        input.value = o[0];
        input.id = id;
        input.checked = o[0] === 'mine';
        var label = document.createElement('label');
        label.htmlFor = id;
        label.textContent = o[1] + ':';
        var value = document.createElement('mark');
        value.textContent = o[2] || '(empty)';
        label.appendChild(document.createElement('br'));
        label.appendChild(value);
        row.appendChild(input);
        row.appendChild(label);
        set.appendChild(row);
      });
      box.appendChild(set);
    });
    var byField = !!(fields && fields.length);
    $(ids.conflict_merge).hidden = !byField;
    $(ids.conflict).querySelector('.versions').hidden = byField;
    $(ids.conflict_keep).hidden = byField;
  }
  function conflict(body) {
    conflictFields(body.fields);
    $(ids.conflict_disk).value = body.disk;
    $(ids.conflict_mine).value = body.mine;
    $(ids.conflict).hidden = false;
    $(ids.conflict).setAttribute('data-disk-base', body.disk_base);
    saveStatus.textContent = 'Not saved: the file was changed somewhere else since you opened it.';
    $(ids.conflict_title).focus();
  }
  function saved(body) {
    base = body.base;
    form.setAttribute('data-base', base);
    initial = snapshot();
    if (mode === 'form') opened = formValues();
    var email = $(ids.email_preview);
    if (email) email.src = email.getAttribute('src');  // made again by the save
    changed = false;
    forget();
    $(ids.restored).hidden = true;
    $(ids.conflict).hidden = true;
  }
  function save() { saveWith(params()); }
  function saveWith(fields) {
    saveStatus.textContent = 'Saving…';
    post('save', fields).then(function (r) {
      if (r.status === 409 && r.body.conflict) return conflict(r.body);
      if (!r.body.saved) {
        saveStatus.textContent = 'Not saved: ' + (r.body.error || 'the preview refused it');
        return;
      }
      if (r.body.merged) {
        // Saved with the changes made elsewhere: the page opens again on the file as it now is.
        forget();
        location.reload();
        return;
      }
      saved(r.body);
      if (r.body.state) $(ids.state).textContent = r.body.state;
      saveStatus.textContent = 'Saved at ' + time() + '.' +
        (/^Changed/.test(r.body.state || '') ? ' The site shows the change once it is published.' : '');
    }).catch(function () {
      saveStatus.textContent = 'Not saved: the preview is not answering. Your text is kept in this browser.';
    });
  }
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    save();
  });
  // The choices made, and everything else merged: saved against the version the form opened with.
  $(ids.conflict_merge).addEventListener('click', function () {
    var p = params();
    $(ids.conflict_fields).querySelectorAll('input[type=radio]:checked').forEach(function (r) { p.set(r.name, r.value); });
    saveWith(p);
  });
  $(ids.conflict_keep).addEventListener('click', function () {
    base = $(ids.conflict).getAttribute('data-disk-base');
    save();
  });
  $(ids.conflict_take).addEventListener('click', function () {
    forget();
    location.reload();
  });

  var result = $(ids.publish_result);
  var message = $(fieldId('message'));
  var messageGroup = $(message.id + ids.group);
  var messageError = $(message.id + ids.error);
  $(ids.publish).addEventListener('click', function () {
    messageGroup.classList.remove('field-error');
    messageError.hidden = true;
    describe(message.id, null);
    if (!message.value.trim()) {
      messageGroup.classList.add('field-error');
      messageError.textContent = 'Error: write what changed, in one line for the public';
      messageError.hidden = false;
      describe(message.id, messageError.id);
      message.focus();
      return;
    }
    publish(null);
  });
  // Lifting a restriction: what would become public is named, and published only once confirmed.
  function confirmLift(lift) {
    result.textContent = '';
    var panel = document.createElement('div');
    panel.className = 'notice';
    var h = document.createElement('h3');
    h.tabIndex = -1;
    h.textContent = 'Lift the restriction?';
    panel.appendChild(h);
    var p1 = document.createElement('p');
    p1.textContent = 'Publishing this makes public what is now withheld as restricted, with the files it links to:';
    panel.appendChild(p1);
    var ul = document.createElement('ul');
    lift.forEach(function (l) {
      var li = document.createElement('li');
      li.textContent = l;
      ul.appendChild(li);
    });
    panel.appendChild(ul);
    var label = document.createElement('label');
    var box = document.createElement('input');
    box.type = 'checkbox';
    box.id = 'lift-confirm';
    label.htmlFor = 'lift-confirm';
    label.appendChild(box);
    label.appendChild(document.createTextNode(' I confirm that each of these may be public'));
    panel.appendChild(label);
    var button = newButton('lift-publish', 'button-warning', 'Lift the restriction and publish');
    button.addEventListener('click', function () {
      if (!box.checked) { box.focus(); return; }
      publish(lift);
    });
    panel.appendChild(button);
    result.appendChild(panel);
    h.focus();
  }
  // What came of putting a publish online, in words: live (the team editor built the public site and
  // fetched the page; its address follows), sent to the content repository, or why not yet.
  function goneLive(body, scheduled) {
    if (body.live) return '. It is live at ';
    if (body.pushed) return '. ' + body.pushed;
    if (body.live_error) return '. ' + body.live_error;
    return scheduled ? '. ' + body.state + ': it appears from that day, once the site is built.'
      : '. It is live once the site is next built and put online.';
  }
  // "Publish at" (the team editor): the date and time typed, in this computer's time, sent as UTC.
  var scheduleButton = document.getElementById('schedule');
  if (scheduleButton) {
    scheduleButton.addEventListener('click', function () {
      var part = function (name) { return document.getElementById('publish-at-' + name).value.trim(); };
      var at = new Date(Number(part('year')), Number(part('month')) - 1, Number(part('day')),
                        Number(part('hour')), Number(part('minute')));
      var atError = document.getElementById('publish-at-error');
      var whole = /^\d{4}$/.test(part('year')) && ['month', 'day', 'hour', 'minute'].every(function (n) {
        return /^\d{1,2}$/.test(part(n));
      });
      var problem = !whole || isNaN(at.getTime()) ? 'Give the day, month, year, hour and minute, e.g. 14 1 2027 09 30'
        : at.getTime() <= Date.now() ? 'Give a date and time in the future' : '';
      atError.textContent = problem ? 'Error: ' + problem : '';
      atError.hidden = !problem;
      document.getElementById('publish-at-group').classList.toggle('field-error', !!problem);
      if (problem) { document.getElementById('publish-at').focus(); return; }
      var p = params();
      p.set('message', message.value);
      p.set('at', at.toISOString());
      post('schedule', p).then(function (r) {
        if (r.body.field === 'message') {
          messageError.textContent = 'Error: ' + r.body.error;
          messageError.hidden = false;
          message.focus();
          return;
        }
        if (r.body.scheduled) return window.location.reload();
        atError.textContent = 'Error: ' + (r.body.error || 'It could not be scheduled.');
        atError.hidden = false;
        document.getElementById('publish-at').focus();
      });
    });
  }
  // A time the server gives in UTC, written in this computer's time.
  Array.prototype.forEach.call(document.querySelectorAll('time[datetime]'), function (t) {
    var when = new Date(t.getAttribute('datetime'));
    if (!isNaN(when.getTime())) t.textContent = when.toLocaleString('en-GB', { dateStyle: 'long', timeStyle: 'short' });
  });
  function publish(lift) {
    var p = params();
    p.set('message', message.value);
    if (lift) p.set('lift', lift.join('\n'));
    result.textContent = 'Checking the whole site…';
    post('publish', p).then(function (r) {
      if (r.status === 409 && r.body.conflict) return conflict(r.body);
      if (r.body.lift && !lift) return confirmLift(r.body.lift);
      if (r.body.field === 'message') {
        messageGroup.classList.add('field-error');
        messageError.textContent = 'Error: ' + r.body.error;
        messageError.hidden = false;
        message.focus();
        result.textContent = '';
        return;
      }
      if (r.body.base) saved(r.body);
      // What came of it, at the top of the page (a notification banner), announced and focused.
      var banner = $(ids.publish_banner);
      banner.textContent = '';
      banner.className = 'notification-banner ' + (r.body.published ? 'success' : 'failure');
      var h = document.createElement('h2');
      h.id = ids.publish_banner + '-title';
      h.textContent = r.body.published ? 'Published' : 'Not published';
      banner.appendChild(h);
      var p1 = document.createElement('p');
      if (r.body.published) {
        var scheduled = /^Scheduled/.test(r.body.state);
        p1.textContent = 'It is recorded in the site\'s published history. Its address: ';
        var a = document.createElement('a');
        a.href = r.body.address;
        a.textContent = r.body.address;
        p1.appendChild(a);
        p1.appendChild(document.createTextNode(goneLive(r.body, scheduled)));
        if (r.body.live) {
          var live = document.createElement('a');
          live.href = r.body.live;
          live.textContent = r.body.live;
          p1.appendChild(live);
          p1.appendChild(document.createTextNode(' since ' + r.body.live_since.slice(11, 16) + ' UTC.'));
        }
        $(ids.state).textContent = r.body.state;
      } else {
        p1.textContent = r.body.error || 'It could not be published.';
      }
      banner.appendChild(p1);
      if (r.body.retry) {
        // The team editor: committed, but not yet online. Trying again puts online what is committed.
        var again = newButton('retry-live', 'button', 'Try again to put it online');
        again.addEventListener('click', function () {
          again.disabled = true;
          post('go-live', params()).then(function (g) {
            p1.textContent = goneLive(g.body, false);
            if (g.body.live) p1.appendChild(document.createTextNode(g.body.live + '.'));
            again.hidden = !g.body.retry;
            again.disabled = false;
            banner.focus();
          });
        });
        banner.appendChild(again);
      }
      if (r.body.diagnostics && r.body.diagnostics.length) {
        var ul = document.createElement('ul');
        r.body.diagnostics.forEach(function (d) {
          var li = document.createElement('li');
          li.textContent = d.file + ', line ' + d.line + ': ' + d.message + (d.hint ? ' (' + d.hint + ')' : '');
          ul.appendChild(li);
        });
        banner.appendChild(ul);
      }
      result.textContent = r.body.published ? 'Published: the top of the page says where it is.'
        : 'Not published: the top of the page says why.';
      banner.setAttribute('role', 'alert');
      banner.hidden = false;
      banner.focus();
      if (r.body.published) message.value = '';
      check();
    }).catch(function () {
      result.textContent = 'The preview is not answering: nothing was published.';
    });
  }

  // An image always has its alternative text.
  var dialog = $(ids.image_dialog);
  var addImage = $(ids.add_image);
  if (addImage && dialog) {
    var fieldProblem = function (id, words) {
      $(id + ids.error).textContent = words ? 'Error: ' + words : '';
      $(id + ids.error).hidden = !words;
      $(id + ids.group).classList.toggle('field-error', !!words);
      describe(id, words ? id + ids.error : null);
    };
    // The picture uploaded here and not yet added to the text: deleted if it is not added.
    var uploaded = null;
    var removeButton = $(ids.image_remove);
    var deleteUploaded = function (then) {
      var file = uploaded;
      uploaded = null;
      removeButton.hidden = true;
      if (!file) return Promise.resolve(null);
      var p = new FormData();
      p.set('file', file);
      return post('delete-picture', p).then(function (r) { if (then) then(r, file); }).catch(function () {
        if (then) then({ status: 0, body: {} }, file);
      });
    };
    removeButton.addEventListener('click', function () {
      deleteUploaded(function (r, file) {
        $(ids.image_src).value = '';
        $(ids.image_status).textContent = r.status === 200 ? file.split('/').pop() + ' is deleted. Choose another picture, or cancel.'
          : 'It could not be deleted: ' + (r.body.error || 'the preview is not answering') + '.';
        $(ids.image_file).value = '';
        $(ids.image_file).focus();
      });
    });
    // A picture uploaded and then not wanted: said on the save line, deleted or not.
    var notAdded = function (r, file) {
      saveStatus.textContent = r.status === 200 ? 'The picture ' + file.split('/').pop() + ' was not added, so it is deleted.'
        : 'The picture ' + file + ' was not added, and could not be deleted: ' + (r.body.error || 'the preview is not answering') + '.';
    };
    dialog.addEventListener('close', function () { deleteUploaded(notAdded); });
    addImage.addEventListener('click', function () {
      $(ids.image_src).value = '';
      $(ids.image_alt).value = '';
      $(ids.image_file).value = '';
      $(ids.image_status).textContent = '';
      [ids.image_file, ids.image_src, ids.image_alt].forEach(function (id) { fieldProblem(id, null); });
      dialog.showModal();
    });
    // A picture from the computer is uploaded at once; its address fills the field.
    var uploadPicture = function (file) {
      if (!file) return;
      fieldProblem(ids.image_file, null);
      $(ids.image_status).textContent = 'Uploading ' + file.name + '…';
      var p = new FormData();
      p.set('path', path);
      p.set('picture', file, file.name);
      post('upload', p).then(function (r) {
        if (r.status !== 200) {
          $(ids.image_status).textContent = '';
          fieldProblem(ids.image_file, r.body.error || 'the picture could not be uploaded');
          $(ids.image_file).focus();
          return;
        }
        deleteUploaded(null);  // one chosen before it, and not added
        uploaded = r.body.file;
        if (!dialog.open) {  // the dialog was closed while it was on its way: not wanted
          deleteUploaded(notAdded);
          return;
        }
        removeButton.hidden = false;
        $(ids.image_src).value = r.body.link;
        $(ids.image_status).textContent = 'Uploaded as ' + r.body.file.split('/').pop() + ', ' + r.body.width +
          ' by ' + r.body.height + ' pixels. Now describe it below.';
        $(ids.image_alt).focus();
      }).catch(function () {
        $(ids.image_status).textContent = '';
        fieldProblem(ids.image_file, 'the preview is not answering: the picture was not uploaded');
      });
    };
    $(ids.image_file).addEventListener('change', function () { uploadPicture($(ids.image_file).files[0]); });
    var zone = $(ids.image_file + ids.group);
    ['dragenter', 'dragover'].forEach(function (name) {
      zone.addEventListener(name, function (ev) { ev.preventDefault(); zone.classList.add('dragging'); });
    });
    ['dragleave', 'drop'].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove('dragging'); });
    });
    zone.addEventListener('drop', function (ev) {
      ev.preventDefault();
      if (ev.dataTransfer && ev.dataTransfer.files.length) uploadPicture(ev.dataTransfer.files[0]);
    });
    $(ids.image_cancel).addEventListener('click', function () { dialog.close(); addImage.focus(); });
    $(ids.image_form).addEventListener('submit', function (ev) {
      ev.preventDefault();
      var src = $(ids.image_src).value.trim();
      var alt = $(ids.image_alt).value.trim().replace(/\s+/g, ' ');
      var bad = null;
      if (!src) bad = [ids.image_file, 'choose a picture from your computer, or give its address'];
      else if (!/^(@\/|https:\/\/)\S+$/.test(src)) bad = [ids.image_src, 'give an address that starts with https://, or choose a picture from your computer'];
      else if (!alt) bad = [ids.image_alt, 'describe the picture for people who cannot see it'];
      [ids.image_file, ids.image_src, ids.image_alt].forEach(function (id) { fieldProblem(id, null); });
      if (bad) {
        fieldProblem(bad[0], bad[1]);
        $(bad[0]).focus();
        return;
      }
      // A paragraph of its own: after a blank line, and followed by one.
      var before = $(fieldId('body')).value.slice(0, $(fieldId('body')).selectionStart);
      var markdown = '![' + alt.replace(/[\[\]]/g, '') + '](' + src + ')';
      if (uploaded && src === '@/' + uploaded.slice('content/'.length)) uploaded = null;  // added: kept
      dialog.close();
      insertInBody((before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? '\n' : '\n\n') : '') + markdown + '\n\n');
    });
  }

  // Writes `markdown` into the text where the cursor is, as its own words.
  function insertInBody(markdown) {
    var body = $(fieldId('body'));
    var at = body.selectionStart;
    body.value = body.value.slice(0, at) + markdown + body.value.slice(body.selectionEnd);
    body.focus();
    body.setSelectionRange(at + markdown.length, at + markdown.length);
    keep();
    check();
  }

  // A link to a page of the site, found by its words and chosen: written in the checked @/ form.
  var linkDialog = $(ids.link_dialog);
  var addLink = $(ids.add_link);
  if (addLink && linkDialog) {
    var chosen = null;
    var asked = 0;
    var linkProblem = function (id, words) {
      $(id + ids.error).textContent = words ? 'Error: ' + words : '';
      $(id + ids.error).hidden = !words;
      $(id + ids.group).classList.toggle('field-error', !!words);
      describe(id, words ? id + ids.error : null);
    };
    var choose = function (button) {
      chosen = { link: button.getAttribute('data-link'), title: button.getAttribute('data-title') };
      $(ids.link_results).querySelectorAll('.link-choice').forEach(function (b) {
        b.setAttribute('aria-pressed', b === button ? 'true' : 'false');
      });
      $(ids.link_chosen).textContent = chosen.title + ' (' + chosen.link + ')';
      if (!$(ids.link_text).value.trim()) $(ids.link_text).value = chosen.title;
      linkProblem(ids.link_search, null);
      $(ids.link_text).focus();
    };
    var search = function () {
      var mine = ++asked;
      var words = $(ids.link_search).value;
      fetch('/__portal/edit/pages?q=' + encodeURIComponent(words), { credentials: 'same-origin' })
        .then(function (r) { return r.json(); }).then(function (body) {
          if (mine !== asked) return;  // a later search is on its way
          var list = $(ids.link_results);
          list.textContent = '';
          list.setAttribute('data-words', words);  // what the list shows the pages of
          (body.pages || []).forEach(function (p) {
            var li = document.createElement('li');
            var b = document.createElement('button');
            b.type = 'button';
            b.className = 'link-choice';
            b.setAttribute('aria-pressed', 'false');
            b.setAttribute('data-link', p.link);
            b.setAttribute('data-title', p.title);
            b.appendChild(document.createTextNode(p.title));
            var facts = document.createElement('span');
            facts.className = 'hint';
            facts.textContent = p.kind + (p.date ? ', ' + p.date : '') + (p.state === 'Published' ? '' : ' – ' + p.state);
            b.appendChild(facts);
            b.addEventListener('click', function () { choose(b); });
            li.appendChild(b);
            list.appendChild(li);
          });
          var found = body.found || 0;
          $(ids.link_count).textContent = found === 0 ? 'No page found: try other words.'
            : found + (found === 1 ? ' page found' : ' pages found') + (found > (body.pages || []).length ? ', the first ' + body.pages.length + ' shown' : '') + '.';
        });
    };
    addLink.addEventListener('click', function () {
      chosen = null;
      $(ids.link_search).value = '';
      $(ids.link_text).value = '';
      $(ids.link_results).textContent = '';
      $(ids.link_count).textContent = '';
      $(ids.link_chosen).textContent = 'no page chosen yet';
      [ids.link_search, ids.link_text].forEach(function (id) { linkProblem(id, null); });
      linkDialog.showModal();
    });
    $(ids.link_search).addEventListener('input', search);
    $(ids.link_cancel).addEventListener('click', function () { linkDialog.close(); addLink.focus(); });
    $(ids.link_form).addEventListener('submit', function (ev) {
      ev.preventDefault();
      var words = $(ids.link_text).value.trim().replace(/\s+/g, ' ').replace(/[\[\]]/g, '');
      [ids.link_search, ids.link_text].forEach(function (id) { linkProblem(id, null); });
      var bad = !chosen ? [ids.link_search, 'find the page and choose it from the list']
        : !words ? [ids.link_text, 'give the words the reader clicks'] : null;
      if (bad) {
        linkProblem(bad[0], bad[1]);
        $(bad[0]).focus();
        return;
      }
      linkDialog.close();
      insertInBody('[' + words + '](' + chosen.link + ')');
    });
  }

  // An address of this site pasted into the text (from its root, its public address or the preview's)
  // becomes the checked @/ form of the page it names; what was pasted is kept until the answer comes.
  var pasteInto = $(fieldId('body'));
  if (pasteInto) {
    pasteInto.addEventListener('paste', function (ev) {
      var pasted = (ev.clipboardData && ev.clipboardData.getData('text/plain') || '').trim();
      if (!/^(https?:\/\/|\/)\S+$/.test(pasted)) return;
      ev.preventDefault();
      var at = pasteInto.selectionStart;
      insertInBody(pasted);
      fetch('/__portal/edit/pages?address=' + encodeURIComponent(pasted), { credentials: 'same-origin' })
        .then(function (r) { return r.json(); }).then(function (body) {
          if (!body.link || pasteInto.value.slice(at, at + pasted.length) !== pasted) return;
          pasteInto.value = pasteInto.value.slice(0, at) + body.link + pasteInto.value.slice(at + pasted.length);
          pasteInto.setSelectionRange(at + body.link.length, at + body.link.length);
          saveStatus.textContent = 'The address you pasted is now ' + body.link + ', the page\'s file: a link the portal checks.';
          keep();
          check();
        });
    });
  }

  // A bulletin's e-mail: copied as HTML (and its words as plain text) for a mail program, shown at a width.
  var copyEmail = $(ids.copy_email);
  if (copyEmail) {
    var copyStatus = $(ids.copy_status);
    copyEmail.addEventListener('click', function () {
      fetch(copyEmail.getAttribute('data-email'), { credentials: 'same-origin' }).then(function (r) {
        if (!r.ok) throw new Error('no e-mail');
        return r.text();
      }).then(function (html) {
        var words = new DOMParser().parseFromString(html, 'text/html').body.innerText;
        return navigator.clipboard.write([new ClipboardItem({
          'text/html': new Blob([html], { type: 'text/html' }),
          'text/plain': new Blob([words], { type: 'text/plain' })
        })]);
      }).then(function () {
        copyStatus.textContent = 'The e-mail is copied: paste it into your mail program.';
      }).catch(function () {
        copyStatus.textContent = 'The e-mail could not be copied: download it instead, or save the bulletin first if it has errors.';
      });
    });
    document.querySelectorAll('input[name="email-width"]').forEach(function (r) {
      r.addEventListener('change', function () {
        $(ids.email_preview).classList.toggle('computer', r.checked && r.value !== '375');
      });
    });
  }

  check();
})(editorIds);
