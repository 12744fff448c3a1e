import { Command, CommanderError, Option } from 'commander';
import { redactUrlsIn } from '../../adapters/sql/scrub';
import { ConfigError, UsageError } from '../../core/errors';
import { escapeControlCharacters, truncate } from '../../core/util/quote';
import type { AckFlags } from './commands/ack';
import type { DoctorFlags } from './commands/doctor';
import type { PreviewFlags } from './commands/preview';
import type { RunFlags } from './commands/run';
import type { SnoozeFlags } from './commands/snooze';
import type { StatusFlags } from './commands/status';
import { type CliIo, EXIT } from './io';

/**
 * Each command's module, loaded when the command runs (a `require`, so that the bundle in dist/cli.js
 * initialises it then and not at start).
 */
const commands = {
  validate: () => require('./commands/validate') as typeof import('./commands/validate'),
  run: () => require('./commands/run') as typeof import('./commands/run'),
  preview: () => require('./commands/preview') as typeof import('./commands/preview'),
  explain: () => require('./commands/explain') as typeof import('./commands/explain'),
  snooze: () => require('./commands/snooze') as typeof import('./commands/snooze'),
  ack: () => require('./commands/ack') as typeof import('./commands/ack'),
  status: () => require('./commands/status') as typeof import('./commands/status'),
  demo: () => require('./commands/demo') as typeof import('./commands/demo'),
  doctor: () => require('./commands/doctor') as typeof import('./commands/doctor'),
};

const DEFAULT_CHECKS = './checks';
/** The version in package.json: `stalewatch --version`. */
const VERSION = (require('../../../package.json') as { version: string }).version;
const DEFAULT_TIMEOUT = '120s';
const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * Builds the command line; each action stores its exit code in `exit`. A command's module (and the
 * drivers, SDK clients or demo database it needs) is loaded only when that command runs, so `--help`
 * and `validate` start without them.
 */
function program(io: CliIo, exit: { code: number }): Command {
  const cli = new Command('stalewatch')
    .description('Tells the people who own a dataset when it has gone stale, and since when.')
    .version(VERSION, '--version', 'print the version of stalewatch')
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
      const { validateCommand } = commands.validate();
      exit.code = await validateCommand(io, flags.checks);
    });

  runOptions(
    cli
      .command('run')
      .description(
        'run checks once and print the results; exit 0 all pass or warn, 1 any fail or error, 2 bad config',
      ),
  )
    .option(
      '--state <file>',
      'keep what each check saw in this file, so the next run compares with it (activity checks, row-count drops)',
    )
    .action(async (flags: RunFlags) => {
      const { runCommand } = commands.run();
      exit.code = await runCommand(io, flags);
    });

  runOptions(
    cli
      .command('preview')
      .description(
        'write, without sending, the messages a run would send from an empty state (or the digests)',
      ),
  )
    .option('--out <dir>', 'the folder to write <contact>.slack.json, .email.html, .email.txt to (required)')
    .option('--digest', 'write the weekday digests instead')
    .option(
      '--alarm-event <file...>',
      'write what these CloudWatch alarm events (JSON) would send, through checks/ alarm files, instead of running checks',
    )
    .action(async (flags: PreviewFlags) => {
      const { previewCommand } = commands.preview();
      exit.code = await previewCommand(io, flags);
    });

  runOptions(
    cli
      .command('status')
      .description(
        'write the status page (index.html) of a run, with the deployed history when --stage is given',
      ),
  )
    .requiredOption('--out <dir>', 'the folder to write index.html to')
    .option('--stage <stage>', 'the deployed stage whose state adds since-when and the 30-day history')
    .option('--region <region>', "the deployed stage's region (default: the AWS SDK's settings)")
    .option('--table <name>', 'the state table (default stalewatch-<stage>-state)')
    .action(async (flags: StatusFlags) => {
      const { statusCommand } = commands.status();
      exit.code = await statusCommand(io, flags);
    });

  cli
    .command('explain')
    .description('print the SQL a check (or every check of a dataset) would run')
    .argument('<id>', 'a dataset id or a check id')
    .addOption(checksOption())
    .option(
      '--source <name=url>',
      "ask this source for each check's plan (EXPLAIN, which runs nothing): postgres://…, mysql://…, pglite:[folder]",
      collect,
    )
    .action(async (id: string, flags: { checks: string; source?: string[] }) => {
      const { explainCommand } = commands.explain();
      exit.code = await explainCommand(io, id, flags.checks, flags.source);
    });

  cli
    .command('snooze')
    .description(
      'no alerts about a dataset until a time, in the deployed service: snooze ID --until TIME, snooze --list, snooze ID --clear',
    )
    .argument('[dataset]', 'a dataset id')
    .option('--until <time>', 'ISO time; without an offset, in the configured zone')
    .option('--list', 'list the datasets snoozed now')
    .option('--clear', 'end the snooze of a dataset')
    .option('--stage <stage>', 'the deployed stage', 'dev')
    .option('--region <region>', "the stack's region (default: the AWS SDK's settings)")
    .option('--table <name>', 'the state table (default stalewatch-<stage>-state)')
    .addOption(checksOption())
    .action(async (dataset: string | undefined, flags: SnoozeFlags) => {
      const { snoozeCommand } = commands.snooze();
      exit.code = await snoozeCommand(io, dataset, flags);
    });

  cli
    .command('ack')
    .description("say who is on a dataset (as Slack's I'm on it does), in the deployed service")
    .argument('<dataset>', 'a dataset id')
    .requiredOption('--by <name>', 'who is on it, as people should read it')
    .option('--stage <stage>', 'the deployed stage', 'dev')
    .option('--region <region>', "the stack's region (default: the AWS SDK's settings)")
    .option('--table <name>', 'the state table (default stalewatch-<stage>-state)')
    .addOption(checksOption())
    .action(async (dataset: string, flags: AckFlags) => {
      const { ackCommand } = commands.ack();
      exit.code = await ackCommand(io, dataset, flags);
    });

  cli
    .command('doctor')
    .description(
      'check what a deployment needs, each line ok or what to do; exit 0 all ok, 1 something to do',
    )
    .option('--stage <stage>', 'the deployed stage', 'dev')
    .option('--region <region>', 'the AWS region of the deployment (default: AWS_REGION, else eu-west-2)')
    .addOption(checksOption())
    .action(async (flags: DoctorFlags) => {
      const { doctorCommand } = commands.doctor();
      exit.code = await doctorCommand(io, flags);
    });

  cli
    .command('demo')
    .description('run the shipped checks on an embedded database with sample data')
    .option('--now <iso>', "the demo's time (default: the clock); without an offset, in Europe/London")
    .action(async (flags: { now?: string }) => {
      const { demoCommand } = commands.demo();
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
  return truncate(line, FAILURE_LENGTH);
}
