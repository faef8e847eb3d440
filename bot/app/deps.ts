import type { Network } from '../network.js';
import type { Outbox } from '../outbound.js';
import type { Alerts, CheckIns, Clock, Ids, Messenger, Requests, Store, Timers } from '../ports.js';

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
}
