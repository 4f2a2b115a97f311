/* Bangfu Market: small progressive enhancements. Every page works without this file.
   - [data-stepper]: −/+ buttons around a number input, kept within its min and max (the server checks again);
     with data-autosubmit the form is sent a moment after the last change (the cart).
   - [data-gallery]: the photo counter and the thumbnails follow the swiped photo; a thumbnail scrolls the
     strip instead of jumping the page to its anchor. */
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  function stepper(wrap) {
    var input = wrap.querySelector('input[type=number]');
    if (!input) { return; }
    var min = parseInt(input.min, 10), max = parseInt(input.max, 10), timer = null;
    if (isNaN(min)) { min = 1; }
    if (isNaN(max)) { max = 9999; }

    function value() {
      var v = parseInt(input.value, 10);
      return isNaN(v) ? min : v;
    }
    function sync() {
      less.disabled = value() <= min;
      more.disabled = value() >= max;
    }
    function send() {
      if (input.checkValidity()) { input.form.submit(); }
    }
    function changed() {
      sync();
      if (wrap.hasAttribute('data-autosubmit')) {
        clearTimeout(timer);
        timer = setTimeout(send, 600);
      }
    }
    function button(text, label, delta) {
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'step';
      b.textContent = text;
      b.setAttribute('aria-label', label);
      b.addEventListener('click', function () {
        input.value = Math.min(max, Math.max(min, value() + delta));
        changed();
      });
      return b;
    }
    var less = button('\u2212', wrap.getAttribute('data-less') || '-', -1);
    var more = button('+', wrap.getAttribute('data-more') || '+', 1);
    wrap.insertBefore(less, input);
    wrap.appendChild(more);
    wrap.classList.add('enhanced');
    input.addEventListener('input', sync);
    input.addEventListener('change', changed);
    sync();
  }

  function gallery(root) {
    var track = root.querySelector('.gallery-track');
    var count = root.querySelector('.gallery-count');
    var current = root.querySelector('[data-current]');
    var thumbs = root.querySelectorAll('.gallery-thumbs a');
    if (!track || !thumbs.length) { return; }
    if (count) { count.hidden = false; }

    function show(index) {
      if (current) { current.textContent = index + 1; }
      for (var k = 0; k < thumbs.length; k++) {
        thumbs[k].setAttribute('aria-current', k === index ? 'true' : 'false');
      }
    }
    track.addEventListener('scroll', function () {
      show(Math.round(track.scrollLeft / Math.max(1, track.clientWidth)));
    }, {passive: true});
    Array.prototype.forEach.call(thumbs, function (thumb, index) {
      thumb.addEventListener('click', function (event) {
        event.preventDefault();
        track.scrollTo({left: index * track.clientWidth, behavior: 'smooth'});
        show(index);
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-stepper]'), stepper);
  Array.prototype.forEach.call(document.querySelectorAll('[data-gallery]'), gallery);
}());
