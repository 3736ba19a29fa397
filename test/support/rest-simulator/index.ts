export {
  startRestSimulator,
  type RestSimulator,
  type RestSimulatorOptions,
  type CallRecord,
  type InjectedFailure,
} from './server.js';
export { SimWorld, SimHttpError, type SimCluster, type SimLink, type SimTopic } from './state.js';
export { contractAvailable, loadContract, CONTRACT_SKIP_MESSAGE, SPECS_DIR } from './contract.js';
