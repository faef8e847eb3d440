import type { Network } from '../network.js';
import type { Clock, Ids, Messenger, Store } from '../ports.js';

/** The ports every use case receives. */
export interface AppDeps {
  store: Store;
  messenger: Messenger;
  clock: Clock;
  ids: Ids;
  network: Network;
}
