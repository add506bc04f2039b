// netguard.cjs: loaded into a client's Node.js process (NODE_OPTIONS
// --require) by test_wrangler.py. Every socket connection the process opens
// is written to $CFMOCK_NET_LOG as "host port"; one to anything but the
// loopback address is refused, so a client that ignores its base-URL
// variable fails instead of reaching the real API.
'use strict';
const fs = require('node:fs');
const net = require('node:net');

const LOG = process.env.CFMOCK_NET_LOG;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const connect = net.Socket.prototype.connect;

net.Socket.prototype.connect = function guardedConnect(...args) {
  let opts = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof opts !== 'object' || opts === null) {
    opts = { port: opts, host: typeof args[1] === 'string' ? args[1] : 'localhost' };
  }
  if (opts.path) return connect.apply(this, args);       // a Unix socket
  const host = opts.host || 'localhost';
  fs.appendFileSync(LOG, `${host} ${opts.port}\n`);
  if (!LOOPBACK.has(host)) {
    process.nextTick(() => this.destroy(new Error(`netguard: refused ${host}:${opts.port}`)));
    return this;
  }
  return connect.apply(this, args);
};
