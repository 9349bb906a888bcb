'use strict';
// Loaded into CLI child processes with NODE_OPTIONS=--require: any connection attempt or name
// lookup that would leave loopback is blocked before it happens and reported on stderr as
// "NETWORK-GUARD: …", which the tests then look for. (The vitest process has its own guard,
// test/setup/loopback-guard.ts; this one covers the processes the tests spawn.)
const net = require('node:net');
const dns = require('node:dns');

const loopback = (host) =>
  host === undefined ||
  host === '' ||
  host === 'localhost' ||
  /^127\.\d+\.\d+\.\d+$/.test(host) ||
  /^\[?(::1|::ffff:127\.[\d.]+)\]?$/.test(host);

function blocked(what) {
  const message = `NETWORK-GUARD: blocked ${what}`;
  process.stderr.write(`${message}\n`);
  return new Error(message);
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === 'object' && first !== null ? first : null;
  const host = options ? options.host : typeof args[1] === 'string' ? args[1] : undefined;
  const isPath = options
    ? Boolean(options.path)
    : typeof first === 'string' && !/^\d+$/.test(first);
  if (!isPath && !loopback(host)) throw blocked(`a connection to ${host}`);
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, ...rest) {
  if (!loopback(hostname)) throw blocked(`a name lookup of ${hostname}`);
  return lookup.call(this, hostname, ...rest);
};
const promiseLookup = dns.promises.lookup;
dns.promises.lookup = async function guardedPromiseLookup(hostname, ...rest) {
  if (!loopback(hostname)) throw blocked(`a name lookup of ${hostname}`);
  return promiseLookup.call(this, hostname, ...rest);
};
