import { MissingEnvironmentError } from '../../core/errors';

/** Where packaging writes the compiled config, relative to the project (and to the function's root). */
export const COMPILED_CONFIG_FILE = '.stalewatch/compiled-checks.json';

/** The environment variables the deployed functions read, and what each is for. */
const VARIABLES = {
  STALEWATCH_STATE_TABLE: 'The DynamoDB table that keeps check state',
  STALEWATCH_EVENT_BUS: 'The EventBridge bus that events go to',
  STALEWATCH_RUN_SOURCE_FUNCTION: 'The runSource function that dispatch invokes',
} as const;

/** The deployed functions' settings from their environment, checked by `serviceEnvironment`. */
export interface ServiceEnvironment {
  stateTable: string;
  eventBus: string;
  /** Only dispatch needs it. */
  runSourceFunction: string | null;
  /** The compiled config packaged with the function (`serverless/config.js` writes it). */
  configFile: string;
  /** Everything, for `${env:…}` in config and `STALEWATCH_SOURCE_<NAME>` overrides. */
  all: Readonly<Record<string, string | undefined>>;
}

/** The one place the functions read their environment; a missing variable is a named error. */
export function serviceEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  needs: Array<keyof typeof VARIABLES>,
): ServiceEnvironment {
  for (const name of needs) {
    if (!env[name]) throw new MissingEnvironmentError(name, VARIABLES[name]);
  }
  return {
    stateTable: env.STALEWATCH_STATE_TABLE ?? '',
    eventBus: env.STALEWATCH_EVENT_BUS ?? '',
    runSourceFunction: env.STALEWATCH_RUN_SOURCE_FUNCTION ?? null,
    configFile: env.STALEWATCH_CONFIG_FILE ?? COMPILED_CONFIG_FILE,
    all: env,
  };
}
