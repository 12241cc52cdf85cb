import { createProgram } from './main.js';

const program = createProgram({
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(text.startsWith('\r') ? text : `${text}\n`),
  isTTY: process.stderr.isTTY === true,
});
process.exitCode = await program.run(process.argv.slice(2));
