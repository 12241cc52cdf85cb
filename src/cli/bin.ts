import { createProgram } from './main.js';

/** Resolve once everything written to `stream` so far has been handed to the OS. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableLength === 0 || stream.destroyed) resolve();
    // Writes complete in order: the callback of an empty write runs after every earlier one,
    // also when the stream fails (a reader that went away), so this never hangs on an error.
    else stream.write('', () => resolve());
  });
}

// A reader that goes away early (`tributary runs --json | head -c 100`) is not the command's
// failure: the rest of the output has nowhere to go, and the exit code stays the command's.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

const program = createProgram({
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(text.startsWith('\r') ? text : `${text}\n`),
  isTTY: process.stderr.isTTY === true,
});
process.exitCode = await program.run(process.argv.slice(2));
// Output larger than a pipe's buffer is still queued here: let it drain, then exit explicitly,
// so that a task that ignores its AbortSignal cannot keep a finished CLI alive.
await Promise.all([drained(process.stdout), drained(process.stderr)]);
process.exit();
