export {
  type ChangeMeter,
  type ChangeMeterOptions,
  createChangeMeter,
  MEASURE_WORKER_FILE,
} from "./change-meter";
export { type ChangeInput, type ChangeMeasure, measureChange, type Region } from "./measure";
