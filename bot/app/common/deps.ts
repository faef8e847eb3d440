import type { Network } from '../../domain/network.js';
import type { Outbox } from '../../core/outbound.js';
import type { Afterwards } from '../../core/afterwards.js';
import type {
  Alerts,
  ChartRenderer,
  CheckIns,
  Clock,
  Figures,
  Ids,
  Messenger,
  Requests,
  Store,
  Timers,
} from '../../core/ports.js';

/** The ports every use case receives. */
export interface AppDeps {
  store: Store;
  messenger: Messenger;
  clock: Clock;
  ids: Ids;
  network: Network;
  timers: Timers;
  checkIns: CheckIns;
  alerts: Alerts;
  outbox: Outbox;
  requests: Requests;
  /** The weekly figures' counters. */
  figures: Figures;
  /** Draws the figures' chart as an image. */
  charts: ChartRenderer;
  /** Bookkeeping left to finish after the person is answered (the webhook waits for it before it ends). */
  afterwards: Afterwards;
}
