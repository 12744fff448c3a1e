import { Command, CommanderError, Option } from 'commander';
import { ConfigError, UsageError } from '../errors';
import { redactUrlsIn } from '../sources/scrub';
import { escapeControlCharacters } from '../util/quote';
import { demoCommand } from './commands/demo';
import { explainCommand } from './commands/explain';
import { type PreviewFlags, previewCommand } from './commands/preview';
import { type RunFlags, runCommand } from './commands/run';
import { type SnoozeFlags, snoozeCommand } from './commands/snooze';
import { validateCommand } from './commands/validate';
import { type CliIo, EXIT } from './io';

const DEFAULT_CHECKS = './checks';
const DEFAULT_TIMEOUT = '120s';
const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Builds the command line; each action stores its exit code in `exit`. */
function program(io: CliIo, exit: { code: number }): Command {
  const cli = new Command('stalewatch')
    .description('Tells the people who own a dataset when it has gone stale, and since when.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run stalewatch --help for usage)');
  const checksOption = () =>
    new Option('--checks <dir>', 'the folder of check files').default(DEFAULT_CHECKS);
  /** The options of a run, which `preview` takes too. */
  const runOptions = (command: Command) =>
    command
      .addOption(checksOption())
      .option('--only <ids...>', 'dataset or check ids, repeated or comma-separated')
      .option('--now <iso>', "the run's time (default: the clock); without an offset, in the configured zone")
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
      .option('--source <name=url>', 'override a source: postgres://…, mysql://…, pglite:[folder]', collect)
      .option(
        '--timeout <duration>',
        "the run's time limit: what has not answered by then is an error, and is cancelled",
        DEFAULT_TIMEOUT,
      );

  cli
    .command('validate')
    .description('check every config file; exit 0 when valid, 2 when not')
    .addOption(checksOption())
    .action(async (flags: { checks: string }) => {
      exit.code = await validateCommand(io, flags.checks);
    });

  runOptions(
    cli
      .command('run')
      .description(
        'run checks once and print the results; exit 0 all pass or warn, 1 any fail or error, 2 bad config',
      ),
  ).action(async (flags: RunFlags) => {
    exit.code = await runCommand(io, flags);
  });

  runOptions(
    cli
      .command('preview')
      .description(
        'write, without sending, the messages a run would send from an empty state (or the digests)',
      ),
  )
    .requiredOption('--out <dir>', 'the folder to write <contact>.slack.json, .email.html, .email.txt to')
    .option('--digest', 'write the weekday digests instead')
    .option(
      '--alarm-event <file...>',
      'write what these CloudWatch alarm events (JSON) would send, through checks/ alarm files, instead of running checks',
    )
    .action(async (flags: PreviewFlags) => {
      exit.code = await previewCommand(io, flags);
    });

  cli
    .command('explain')
    .description('print the SQL a check (or every check of a dataset) would run')
    .argument('<id>', 'a dataset id or a check id')
    .addOption(checksOption())
    .action(async (id: string, flags: { checks: string }) => {
      exit.code = await explainCommand(io, id, flags.checks);
    });

  cli
    .command('snooze')
    .description('no alerts about a dataset until a time, in the deployed service')
    .argument('<dataset>', 'a dataset id')
    .requiredOption('--until <time>', 'ISO time; without an offset, in the configured zone')
    .option('--stage <stage>', 'the deployed stage', 'dev')
    .option(
      '--region <region>',
      "the deployed service's AWS region (default: AWS_REGION or the AWS profile's)",
    )
    .option('--table <name>', 'the state table (default stalewatch-<stage>-state)')
    .addOption(checksOption())
    .action(async (dataset: string, flags: SnoozeFlags) => {
      exit.code = await snoozeCommand(io, dataset, flags);
    });

  cli
    .command('demo')
    .description('run the shipped checks on an embedded database with sample data')
    .option('--now <iso>', "the demo's time (default: the clock); without an offset, in Europe/London")
    .action(async (flags: { now?: string }) => {
      exit.code = await demoCommand(io, flags);
    });
  return cli;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const exit = { code: EXIT.ok as number };
  try {
    await program(io, exit).parseAsync([...argv], { from: 'user' });
    return exit.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.exitCode === 0
        ? EXIT.ok
        : EXIT.invalid;
    }
    if (error instanceof ConfigError || error instanceof UsageError) {
      io.stderr.write(`${error.message}\n`);
      return EXIT.invalid;
    }
    // Anything else is one line a person can read; the stack only for whoever asks for it.
    const debug = io.env.STALEWATCH_DEBUG === '1';
    io.stderr.write(
      `stalewatch: ${describeFailure(error)}${debug ? '' : ' (STALEWATCH_DEBUG=1 shows where)'}\n`,
    );
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${redactUrlsIn(error.stack)}\n`);
    return EXIT.failing;
  }
}

/** Longest failure message printed: one line of a terminal or a CI log, give or take. */
const FAILURE_LENGTH = 300;

/**
 * An unexpected failure in words, whatever was thrown (an `Error`, a string, an object, `undefined`):
 * its class and message on one line, control characters escaped, passwords of URLs taken out.
 */
export function describeFailure(error: unknown): string {
  let text: string;
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    text = `${name}${error.message || 'failed with no message'}`;
  } else if (typeof error === 'string') {
    text = error || 'failed with no message';
  } else if (error === undefined || error === null) {
    text = `failed with no message (something threw ${String(error)})`;
  } else {
    let json: string | undefined;
    try {
      json = JSON.stringify(error);
    } catch {
      json = undefined;
    }
    text = `failed: ${json && json !== '{}' ? json : Object.prototype.toString.call(error)}`;
  }
  const line = escapeControlCharacters(redactUrlsIn(text.replace(/\s*\n\s*/g, ' ')));
  return line.length > FAILURE_LENGTH ? `${line.slice(0, FAILURE_LENGTH - 1)}…` : line;
}
