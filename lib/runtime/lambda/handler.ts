import type { Context } from 'aws-lambda';
import type { ServicePorts } from '../../app/handlers';
import { countdown, type TimeLeft } from '../../app/notify';
import { notifyPorts } from './alerts';
import { lambdaPorts } from './service';

/** The environment, as Lambda (or `sls invoke local`) hands it to the function. */
type Env = Readonly<Record<string, string | undefined>>;

/** Ports and the per-invocation wrapper (logging, metrics) that one function's runtime is made of. */
interface Runtime<P> {
  ports: P;
  handle<T>(context: Context | undefined, work: (remainingMs: number) => Promise<T>): Promise<T>;
}

/**
 * A Lambda handler around one use case. The runtime (clients, logger, metrics, ports) is built from the
 * environment on the first invocation, not at module load, and kept for the container's later
 * invocations (as Powertools' middleware and swarmion's handlers do): importing a function is free of
 * side effects, and a missing environment variable fails the invocation with its named error
 * (`MissingEnvironmentError`), logged by Lambda like any other failure. A failed build is not cached: the
 * next invocation tries again.
 */
function wrap<P, E, R>(
  build: (env: Env) => Runtime<P>,
  work: (event: E, ports: P, remainingMs: number) => Promise<R>,
): (event: E, context?: Context) => Promise<R> {
  let runtime: Runtime<P> | null = null;
  return async (event, context) => {
    runtime ??= build(process.env);
    const { ports } = runtime;
    return runtime.handle(context, (remainingMs) => work(event, ports, remainingMs));
  };
}

/**
 * A handler of the run side (dispatch, runSource, check): `needs` names the environment variables it
 * cannot do without.
 */
export function serviceHandler<E, R>(
  needs: Parameters<typeof lambdaPorts>[1],
  work: (event: E, ports: ServicePorts, remainingMs: number) => Promise<R>,
): (event: E, context?: Context) => Promise<R> {
  return wrap((env) => lambdaPorts(env, needs), work);
}

/** The ports of the notify side: delivery, holds, alarms and the stale states (for the digest). */
export type LambdaNotifyPorts = ReturnType<typeof notifyPorts>;

/**
 * A handler of the notify side (notify, digest): the work gets the notify ports and a countdown from
 * Lambda's remaining time.
 */
export function notifyHandler<E, R>(
  work: (event: E, ports: LambdaNotifyPorts, timeLeft: TimeLeft) => Promise<R>,
): (event: E, context?: Context) => Promise<R> {
  return wrap(
    (env) => {
      const service = lambdaPorts(env, ['STALEWATCH_STATE_TABLE']);
      return { ...service, ports: notifyPorts(env, service.ports, service.environment.stateTable) };
    },
    (event: E, ports, remainingMs) => work(event, ports, countdown(remainingMs)),
  );
}
