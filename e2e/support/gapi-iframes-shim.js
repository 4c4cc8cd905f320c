/*
 * A local stand-in for https://apis.google.com/js/api.js, served by the browser tests in its place
 * (that host cannot be reached offline). The Firebase Auth SDK and the Auth emulator's helper
 * iframe use only `gapi.iframes` from it, to pass the sign-in result from the emulator's account
 * chooser back to the page: the SDK opens the iframe (`getContext().open`), pings it, asks it
 * `webStorageSupport` and registers an `authEvent` handler; the iframe finds its parent
 * (`getContext().getParentIframe()`), answers `webStorageSupport` and sends `authEvent`.
 * Both ends run this file, so the wire format below is private to it.
 */
(function () {
  'use strict';

  var MARK = 'keymeter-gapi-iframes-shim';
  var PING_INTERVAL_MS = 50;
  var nextId = 1;
  var pendingReplies = new Map();
  var channels = [];

  function post(win, message) {
    message[MARK] = true;
    win.postMessage(message, '*');
  }

  /** One end of a conversation with another window: what gapi calls an Iframe. */
  function Iframe(win, element) {
    this.win = win;
    this.element = element || null;
    this.handlers = {};
    this.queued = [];
  }

  Iframe.prototype.register = function (type, handler) {
    this.handlers[type] = handler;
    var waiting = this.queued.filter(function (message) {
      return message.type === type;
    });
    this.queued = this.queued.filter(function (message) {
      return message.type !== type;
    });
    for (var i = 0; i < waiting.length; i++) answer(this, waiting[i], handler);
  };

  Iframe.prototype.send = function (type, data, callback) {
    var id = nextId++;
    pendingReplies.set(id, callback || function () {});
    post(this.win, { kind: 'request', id: id, type: type, data: data });
  };

  /** Resolves (and calls back) once the other window runs this shim and answers. */
  Iframe.prototype.ping = function (callback) {
    return new Promise((resolve) => {
      var done = false;
      var id = nextId++;
      pendingReplies.set(id, () => {
        done = true;
        clearInterval(timer);
        if (callback) callback();
        resolve();
      });
      var send = () => {
        if (!done) post(this.win, { kind: 'request', id: id, type: '_ping', data: null });
      };
      var timer = setInterval(send, PING_INTERVAL_MS);
      send();
    });
  };

  Iframe.prototype.restyle = function () {
    return Promise.resolve();
  };

  Iframe.prototype.getIframeEl = function () {
    return this.element;
  };

  function channelFor(win) {
    for (var i = 0; i < channels.length; i++) if (channels[i].win === win) return channels[i];
    return null;
  }

  function answer(channel, message, handler) {
    Promise.resolve()
      .then(function () {
        return handler(message.data);
      })
      .then(function (result) {
        post(channel.win, { kind: 'reply', id: message.id, responses: [result] });
      });
  }

  window.addEventListener('message', function (event) {
    var message = event.data;
    if (!message || message[MARK] !== true || !event.source) return;
    var channel = channelFor(event.source);
    if (!channel && event.source === window.parent && window.parent !== window) {
      channel = new Iframe(window.parent);
      channels.push(channel);
    }
    if (!channel) return;

    if (message.kind === 'reply') {
      var reply = pendingReplies.get(message.id);
      pendingReplies.delete(message.id);
      if (reply) {
        // gapi contains what a reply callback throws. The Auth SDK relies on it: its
        // webStorageSupport callback calls back and then always throws auth/internal-error.
        try {
          reply(message.responses);
        } catch (ignored) {
          void ignored;
        }
      }
    } else if (message.kind === 'request') {
      if (message.type === '_ping') {
        post(channel.win, { kind: 'reply', id: message.id, responses: [] });
        return;
      }
      var handler = channel.handlers[message.type];
      if (handler) answer(channel, message, handler);
      else channel.queued.push(message);
    }
  });

  var context = {
    open: function (options, callback) {
      var element = document.createElement('iframe');
      var attributes = options.attributes || {};
      Object.keys(attributes).forEach(function (name) {
        if (name === 'style') Object.assign(element.style, attributes.style);
        else element.setAttribute(name, attributes[name]);
      });
      element.src = options.url;
      (options.where || document.body).appendChild(element);
      var channel = new Iframe(element.contentWindow, element);
      channels.push(channel);
      return Promise.resolve(callback ? callback(channel) : channel);
    },
    getParentIframe: function () {
      var channel = channelFor(window.parent);
      if (!channel) {
        channel = new Iframe(window.parent);
        channels.push(channel);
      }
      return channel;
    },
  };

  window.gapi = {
    load: function (_module, options) {
      var callback = typeof options === 'function' ? options : options && options.callback;
      setTimeout(function () {
        if (callback) callback();
      }, 0);
    },
    iframes: {
      CROSS_ORIGIN_IFRAMES_FILTER: function () {
        return true;
      },
      Iframe: Iframe,
      getContext: function () {
        return context;
      },
    },
  };

  // api.js calls back `?onload=<name>` (the SDK's loader) or `gapi_onload` (the emulator's iframe).
  var script = document.currentScript;
  var onload = script && script.src ? new URL(script.src).searchParams.get('onload') : null;
  setTimeout(function () {
    if (onload && typeof window[onload] === 'function') window[onload]();
    if (typeof window.gapi_onload === 'function') window.gapi_onload();
  }, 0);
})();
