#!/usr/bin/env node
// PouchDB's side of the peer bench: replicate exported inspections to pouchdb-server.
//
//   node replicate.js --export DIR --work DIR [--server leveldb|memory] [--direction sync|push]
//                     [--noop-runs 5] [--timeout 1800]
//
// DIR (written by bench/bench_peer.py) holds docs.jsonl, one line per inspection version:
// {"id": version id, "body": the version's JSON as our sync pushes it, "files": [[sha256,
// media type], ...]}, and blobs/<sha256> with the attachment bytes. They go into a local
// PouchDB (leveldb in --work; not timed, as seeding our device is not), pouchdb-server
// starts in its own process on a free 127.0.0.1 port, and the script times the first
// replication and then --noop-runs replications with nothing to do. It prints one JSON
// object on stdout; everything else goes to stderr.
'use strict';

const childProcess = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');
const readline = require('readline');

const PouchDB = require('pouchdb-node');

function parseArgs(argv) {
  const options = {
    export: null,
    work: null,
    server: 'leveldb',
    direction: 'sync',
    noopRuns: 5,
    timeout: 1800,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name === '--export') options.export = value;
    else if (name === '--work') options.work = value;
    else if (name === '--server') options.server = value;
    else if (name === '--direction') options.direction = value;
    else if (name === '--noop-runs') options.noopRuns = Number(value);
    else if (name === '--timeout') options.timeout = Number(value);
    else throw new Error(`unknown option ${name}`);
  }
  if (!options.export || !options.work) throw new Error('--export and --work are required');
  if (!['leveldb', 'memory'].includes(options.server)) throw new Error('--server leveldb|memory');
  if (!['sync', 'push'].includes(options.direction)) throw new Error('--direction sync|push');
  return options;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function get(url) {
  return new Promise((resolve) => {
    const request = http.get(url, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('error', () => resolve(null));
    request.setTimeout(2000, () => request.destroy());
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// pouchdb-server in its own process, as it is deployed; its config.json and log.txt go
// into its folder (the current directory is where it looks for them).
async function startServer(folder, mode) {
  const port = await freePort();
  const bin = path.join(path.dirname(require.resolve('pouchdb-server/package.json')), 'bin',
    'pouchdb-server');
  const args = [bin, '--host', '127.0.0.1', '--port', String(port), '--dir', folder,
    '--no-stdout-logs', '--no-color'];
  if (mode === 'memory') args.push('--in-memory');
  const child = childProcess.spawn(process.execPath, args, {
    cwd: folder,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  // Bounded: 600 tries of 100 ms.
  for (let attempt = 0; attempt < 600; attempt += 1) {
    if (child.exitCode !== null) throw new Error('pouchdb-server exited while starting');
    if ((await get(`${base}/`)) === 200) return { child, base };
    await sleep(100);
  }
  child.kill();
  throw new Error('pouchdb-server did not start within a minute');
}

async function loadLocal(db, exportDir) {
  const blobs = path.join(exportDir, 'blobs');
  const lines = readline.createInterface({
    input: fs.createReadStream(path.join(exportDir, 'docs.jsonl'), 'utf8'),
    crlfDelay: Infinity,
  });
  let batch = [];
  const totals = { docs: 0, attachments: 0, attachmentBytes: 0, jsonBytes: 0 };
  const flush = async () => {
    if (batch.length === 0) return;
    const results = await db.bulkDocs(batch);
    const failed = results.filter((result) => result.error);
    if (failed.length) throw new Error(`local bulkDocs: ${JSON.stringify(failed[0])}`);
    batch = [];
  };
  for await (const line of lines) {
    if (!line) continue;
    const item = JSON.parse(line);
    const doc = { _id: item.id, ...item.body, _attachments: {} };
    totals.jsonBytes += Buffer.byteLength(JSON.stringify(item.body));
    for (const [sha, mediaType] of item.files) {
      const data = fs.readFileSync(path.join(blobs, sha));
      doc._attachments[sha] = { content_type: mediaType, data };
      totals.attachments += 1;
      totals.attachmentBytes += data.length;
    }
    batch.push(doc);
    totals.docs += 1;
    if (batch.length >= 100) await flush();
  }
  await flush();
  return totals;
}

function replicate(local, remote, direction) {
  if (direction === 'push') return local.replicate.to(remote);
  return local.sync(remote);
}

function written(result, direction) {
  if (direction === 'push') return result.docs_written;
  return result.push.docs_written + result.pull.docs_written;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const watchdog = setTimeout(() => {
    process.stderr.write(`replicate.js: gave up after ${options.timeout} s\n`);
    process.exit(3);
  }, options.timeout * 1000);
  const serverDir = path.join(options.work, 'server');
  fs.mkdirSync(serverDir, { recursive: true });
  const local = new PouchDB(path.join(options.work, 'local'));
  const loadStarted = process.hrtime.bigint();
  const totals = await loadLocal(local, options.export);
  const loadSeconds = Number(process.hrtime.bigint() - loadStarted) / 1e9;
  const { child, base } = await startServer(serverDir, options.server);
  try {
    const remote = new PouchDB(`${base}/inspections`);
    await remote.info(); // creates the database: not part of a sync

    let started = process.hrtime.bigint();
    const first = await replicate(local, remote, options.direction);
    const firstSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const firstWritten = written(first, options.direction);
    const remoteInfo = await remote.info();
    if (remoteInfo.doc_count !== totals.docs) {
      throw new Error(`the server holds ${remoteInfo.doc_count} of ${totals.docs} docs`);
    }

    const noop = [];
    for (let run = 0; run < options.noopRuns; run += 1) {
      started = process.hrtime.bigint();
      const result = await replicate(local, remote, options.direction);
      noop.push(Number(process.hrtime.bigint() - started) / 1e9);
      if (written(result, options.direction) !== 0) throw new Error('a no-op sync wrote docs');
    }
    await remote.close();
    await local.close();
    process.stdout.write(`${JSON.stringify({
      pouchdb: require('pouchdb-node/package.json').version,
      pouchdb_server: require('pouchdb-server/package.json').version,
      node: process.version,
      server: options.server,
      direction: options.direction,
      docs: totals.docs,
      json_bytes: totals.jsonBytes,
      attachments: totals.attachments,
      attachment_bytes: totals.attachmentBytes,
      local_load_seconds: loadSeconds,
      first_seconds: firstSeconds,
      first_docs_written: firstWritten,
      noop_seconds: noop,
      noop_median_seconds: noop.length ? median(noop) : null,
    })}\n`);
  } finally {
    child.kill();
    clearTimeout(watchdog);
  }
}

main().catch((error) => {
  process.stderr.write(`replicate.js: ${error.stack || error}\n`);
  process.exit(1);
});
