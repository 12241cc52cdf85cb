import { createProgram } from './main.js';

const program = createProgram({
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(text.startsWith('\r') ? text : `${text}\n`),
  isTTY: process.stderr.isTTY === true,
});
// Exit explicitly: a task that ignores its AbortSignal must not keep a finished CLI alive.
process.exit(await program.run(process.argv.slice(2)));
