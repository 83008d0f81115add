/** The hub's shapes, re-exported from the server side so the console cannot drift from them. */
export type { OpKind } from '../../../src/events/types.js';
export type { Asset, Fact, OpCounts, Peer, ProtocolUse, Role } from '../../../src/inventory/types.js';
export type {
  AssetRow,
  AssetSort,
  FlowRow,
  Graph,
  GraphEdge,
  GraphNode,
  OpRow,
  Page,
  Stats,
  User,
  UserRole,
} from '../../../src/store/types.js';
