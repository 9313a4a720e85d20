/**
 * The event-schemas command line.
 *
 * @packageDocumentation
 */

import { main } from './main';

main({
  argv: process.argv.slice(2),
  context: {
    cwd: process.cwd(),
    env: process.env,
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
    fetch: globalThis.fetch,
  },
}).then(code => {
  process.exitCode = code;
});
