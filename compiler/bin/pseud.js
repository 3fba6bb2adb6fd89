#!/usr/bin/env node
// The installed `pseud` command. It only runs main(): however it is reached
// (npm's .bin symlink, npm link, pnpm, `node <path>`), there is nothing to guess.
import { run } from "../dist/cli.js";

await run(process.argv.slice(2));
