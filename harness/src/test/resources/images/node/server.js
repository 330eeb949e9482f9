// Answers HTTP on PORT (the task's port), logs to stdout, stops on SIGTERM.
const http = require('http');
const port = Number(process.env.PORT);
const server = http.createServer((req, res) => {
  res.setHeader('Content-Type', 'text/plain');
  if (req.url === '/health') {
    res.end('ok');
    return;
  }
  res.end(`node ${process.env.GREETING} ${process.env.APP_VERSION} ${process.cwd()}`);
});
server.listen(port, '127.0.0.1', () => console.log(`listening on ${port}`));
process.on('SIGTERM', () => {
  console.log('SIGTERM received: stopping');
  server.close(() => process.exit(0));
});
