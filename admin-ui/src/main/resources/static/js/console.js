// Behaviour shared by every console page: copy buttons, confirmations, live streams. No external libraries.
// Loaded in <head> so page scripts can use consoleStream and consoleCsrf; DOM work waits for the document.
(function () {
  'use strict';

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-copy-target]').forEach(wireCopyButton);
  });

  function wireCopyButton(button) {
    button.addEventListener('click', function () {
      var field = document.getElementById(button.getAttribute('data-copy-target'));
      var done = function () { button.textContent = 'Copied'; button.setAttribute('data-copied', 'true'); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () { legacyCopy(field); done(); });
      } else {
        // plain http on a non-local host has no clipboard API
        legacyCopy(field);
        done();
      }
    });
  }

  function legacyCopy(field) {
    field.focus();
    field.select();
    try { document.execCommand('copy'); } catch (e) { /* the key stays selected for Ctrl+C */ }
  }

  document.addEventListener('submit', function (event) {
    var message = event.target.getAttribute('data-confirm');
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // Live pages: an EventSource that says on the page whether it is connected. When the session has ended the
  // stream is redirected to the login page, which EventSource reports as an error: say so instead of retrying.
  window.consoleStream = function (url, handlers) {
    var status = document.getElementById('live-status');
    var source = new EventSource(url);
    var set = function (state, text) {
      if (status) { status.setAttribute('data-state', state); status.textContent = text; }
    };
    Object.keys(handlers).forEach(function (name) {
      source.addEventListener(name, function (event) {
        set('live', 'live · ' + new Date().toLocaleTimeString());
        handlers[name](JSON.parse(event.data));
      });
    });
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED) {
        set('down', 'disconnected — reload the page (your session may have ended)');
      } else {
        set('down', 'reconnecting…');
      }
    };
    return source;
  };

  window.consoleCsrf = function () {
    var token = document.querySelector('meta[name="_csrf"]');
    var name = document.querySelector('meta[name="_csrf_parameter"]');
    return { name: name ? name.content : '_csrf', token: token ? token.content : '' };
  };
})();
