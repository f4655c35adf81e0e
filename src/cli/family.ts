/**
 * Command families that live outside `src/` (the Jupyter kernel's `tsflow kernel ...`) are mounted
 * by the program that starts the CLI, so the library never imports them; each is loaded only when
 * its command is used (the kernel's loads tslab and zeromq).
 */
import { Command } from "commander";

/** A family of commands, mounted under one name and loaded on first use. */
export interface CommandFamily {
  /** The command name (`kernel`). */
  name: string;
  /** One line for `tsflow --help`. */
  description: string;
  /** Loads the family; what it returns adds the `<name>` command and its subcommands to a program. */
  load: () => Promise<(program: Command) => unknown>;
}

/** Mounts `family` on `program` as a command that loads it and hands it the rest of the line. */
export function mountFamily(program: Command, family: CommandFamily): void {
  program
    .command(family.name)
    .description(family.description)
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .argument("[args...]")
    .action(async (args: string[] = []) => {
      const register = await family.load();
      const sub = new Command("tsflow");
      register(sub);
      exitOverrideEverywhere(sub);
      await sub.parseAsync([family.name, ...args], { from: "user" });
    });
}

/** Makes commander throw instead of exiting, on a command and all its subcommands. */
export function exitOverrideEverywhere(cmd: Command): void {
  cmd.exitOverride();
  for (const c of cmd.commands) exitOverrideEverywhere(c);
}
