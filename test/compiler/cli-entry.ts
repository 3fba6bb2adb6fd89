/** The CLI from its sources as a process, as compiler/bin/pseud.js runs the built one: for tests that need a child process. */
import { run } from "../../compiler/cli.js";

await run(process.argv.slice(2));
