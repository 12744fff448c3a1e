import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { dynamoAcknowledgements } from '../../lib/adapters/aws/acknowledgements';
import { dynamoStateStore } from '../../lib/adapters/aws/dynamo-state';
import { STATE_TABLE_KEYS } from '../../lib/adapters/aws/table';
import type { SourceConnector } from '../../lib/app/ports';
import { runService } from '../../lib/app/run-service';
import { type EventEntry, RUN_COMPLETED } from '../../lib/core/events/types';
import type { Config } from '../../lib/core/model/config';
import type { RunReport } from '../../lib/core/model/run';

/** The production pipeline on a laptop: state in an in-process DynamoDB (dynalite), events kept in memory. */
export async function localPipeline() {
  const server = dynalite({ createTableMs: 0 }) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'local',
    credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
  });
  await client.send(
    new CreateTableCommand({
      TableName: 'stalewatch-demo-state',
      BillingMode: 'PAY_PER_REQUEST',
      ...STATE_TABLE_KEYS,
    }),
  );
  const store = dynamoStateStore(client, 'stalewatch-demo-state');
  return {
    /** Who is on which dataset, kept in the same table as in the service ("I'm on it", `stalewatch ack`). */
    acknowledgements: dynamoAcknowledgements(client, 'stalewatch-demo-state'),
    /** The stored states of these checks, as notify reads them (one story per cause). */
    checkStates: (checkIds: readonly string[]) => store.load(checkIds),
    /** Runs every check as `runSource` does, and returns the report and the events it published. */
    async run(config: Config, connectors: Record<string, SourceConnector>, now: Date, runId: string) {
      const published: EventEntry[] = [];
      const report: RunReport = await runService(
        { config, checks: config.checks, connectors, now, runId, source: null },
        { store, publish: async (events) => void published.push(...events) },
      );
      return { report, events: published.filter((e) => e.detailType !== RUN_COMPLETED) };
    },
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
