#!/usr/bin/env node
// What a Slurm job runs: one task of a submitted batch (dist/bundle/task.js), without the CLI.
import { taskMain } from "../dist/bundle/task.js";

process.exitCode = await taskMain(process.argv.slice(2));
