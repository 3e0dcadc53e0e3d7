// The reference of an HTTP path (house rules): a bare node:http server answering one fixed answer
// (status 200, the body given in BARE_BODY_BASE64, the gateway's content-type and cache-control)
// to every request. Started by bench/run.ts on the same CPU as the side it is compared with.
'use strict';
const http = require('node:http');

const body = Buffer.from(process.env.BARE_BODY_BASE64 || '', 'base64');
const port = Number(process.env.BARE_PORT);
const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': String(body.length) };

http
  .createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, headers);
      res.end(body);
    });
  })
  .listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
