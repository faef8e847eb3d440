import { readFile, writeFile } from 'node:fs/promises';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createMediatorInvite } from '../bot/app/people/admin.js';
import { setChatMenu, setCommandMenus } from '../bot/adapters/channels/telegram/commands.js';
import { invitePayload } from '../bot/domain/invite.js';
import type { Network } from '../bot/domain/network.js';
import { createRuntime, type Runtime } from '../bot/main/runtime.js';
import { FakeBotApi } from './bot-api/server.js';
import { SimClock } from './clock.js';
import { demoPeople, emptyTable, seedDemo } from './demo.js';
import { simulatorRoutes } from './http.js';
import { Simulator } from './simulator.js';

export interface SimulationOptions {
  doc: DynamoDBDocumentClient;
  table: string;
  network: Network;
  /** Where the page and the Bot API listen (default 8080; 0: any free port) and on which address. */
  port?: number;
  host?: string;
  /** Where the simulator's clock starts (default: now, or where `clockFile` says it was). */
  start?: Date;
  /** A file that keeps the clock's time across restarts (the data in the table is from then). */
  clockFile?: string;
  /** Run the tick every real minute, as on AWS (default true). */
  minuteTick?: boolean;
}

export interface Simulation {
  /** The page, e.g. `http://127.0.0.1:8080/`. */
  url: string;
  api: FakeBotApi;
  runtime: Runtime;
  simulator: Simulator;
  stop(): Promise<void>;
}

export const simulatorBotUsername = 'vicini_demo_bot';

/**
 * The whole bot in this process against the simulator: the loopback Bot API
 * (with the page beside it), grammY's real client long-polling it, the demo
 * network in the table, and a clock the page moves.
 */
export async function startSimulation(options: SimulationOptions): Promise<Simulation> {
  const { doc, table, network } = options;
  const clock = new SimClock(options.start ?? (await savedClock(options.clockFile)));
  const api = new FakeBotApi({ botUsername: simulatorBotUsername, clock: () => clock.ms() });
  await api.listen(options.port ?? 8080, options.host ?? '127.0.0.1');
  const runtime = createRuntime({
    doc,
    table,
    network,
    token: api.token,
    apiRoot: api.apiRoot,
    clock,
    time: clock.time,
    autoDrain: true,
  });
  const { bot, deps } = runtime;
  await seedDemo(deps, clock.now());

  // The demo people were written whole, not onboarded in a chat: each chat gets its role's menu here.
  const demoMenus = async (now: Date) => {
    for (const d of demoPeople(network, now.toISOString())) {
      const ref = { channel: 'telegram' as const, id: String(d.user.id) };
      await setChatMenu(bot.api, d.user.id, await deps.store.findPersonByChannel(ref));
    }
  };
  const saveClock = () =>
    options.clockFile ? writeFile(options.clockFile, clock.now().toISOString()) : Promise.resolve();
  const simulator = new Simulator(api, clock, {
    network,
    timers: deps.timers,
    tick: async (now) => {
      const report = await runtime.tick(now);
      await saveClock();
      return report;
    },
    resetData: async (now) => {
      await emptyTable(doc, table);
      await seedDemo(deps, now);
      await demoMenus(now);
      await saveClock();
    },
    mediatorInvite: async (zoneId, now) =>
      invitePayload(await createMediatorInvite({ ...deps, clock: { now: () => now } }, zoneId)),
    demo: (now) => demoPeople(network, now.toISOString()),
  });
  api.serveOther(simulatorRoutes(simulator));

  bot.catch((err) =>
    console.error(JSON.stringify({ msg: 'update failed', update_id: err.ctx.update.update_id })),
  );
  await bot.init();
  await setCommandMenus(bot.api);
  await demoMenus(clock.now());
  const polling = bot.start({
    drop_pending_updates: false,
    allowed_updates: ['message', 'callback_query', 'my_chat_member'],
  });
  const logTickError = (err: unknown) =>
    console.error(JSON.stringify({ msg: 'tick failed', error: String(err) }));
  const minute =
    options.minuteTick === false
      ? undefined
      : setInterval(() => void simulator.tickNow().catch(logTickError), 60_000);

  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  return {
    url: `http://${host}:${api.port}/`,
    api,
    runtime,
    simulator,
    async stop() {
      clearInterval(minute);
      await bot.stop();
      await polling.catch(() => undefined);
      await api.close();
    },
  };
}

async function savedClock(file: string | undefined): Promise<Date | undefined> {
  if (!file) return undefined;
  const saved = new Date(await readFile(file, 'utf8').catch(() => ''));
  return saved.getTime() > Date.now() ? saved : undefined;
}
