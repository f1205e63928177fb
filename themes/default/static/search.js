// Searches the portal's index in the browser: every word typed must appear in
// a document's title, summary or words (each word of its text, once). No framework, no network but the index.
(function () {
  'use strict';
  var script = document.currentScript;
  var form = document.querySelector('.search-form');
  var input = document.getElementById('search-words');
  var results = document.getElementById('search-results');
  var root = script.getAttribute('data-index').replace(/search\/index\.json$/, '');
  var documents = null;

  function words(text) {
    return text.toLowerCase().split(/[^0-9a-z\u00c0-\u024f]+/).filter(function (w) { return w.length > 0; });
  }

  function show(query) {
    var wanted = words(query);
    results.textContent = '';
    if (wanted.length === 0) return;
    var found = documents.filter(function (d) {
      var haystack = (d.title + ' ' + d.summary + ' ' + d.words).toLowerCase();
      return wanted.every(function (w) { return haystack.indexOf(w) !== -1; });
    });
    var heading = document.createElement('h2');
    heading.textContent = found.length === 1 ? '1 document found' : found.length + ' documents found';
    results.appendChild(heading);
    var list = document.createElement('ul');
    list.className = 'entries';
    found.forEach(function (d) {
      var item = document.createElement('li');
      var link = document.createElement('a');
      link.href = root + d.url;
      link.textContent = d.title;
      item.appendChild(link);
      if (d.date) item.appendChild(document.createTextNode(' (' + d.date + ')'));
      if (d.summary) {
        item.appendChild(document.createElement('br'));
        item.appendChild(document.createTextNode(d.summary));
      }
      list.appendChild(item);
    });
    results.appendChild(list);
  }

  function load(then) {
    if (documents) return then();
    fetch(script.getAttribute('data-index'))
      .then(function (r) { return r.json(); })
      .then(function (index) { documents = index.documents; then(); })
      .catch(function () { results.textContent = 'The search index could not be loaded. Please use the section lists below.'; });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var query = input.value;
    history.replaceState(null, '', '?q=' + encodeURIComponent(query));
    load(function () { show(query); });
  });
  var initial = new URLSearchParams(window.location.search).get('q');
  if (initial) {
    input.value = initial;
    load(function () { show(initial); });
  }
})();
