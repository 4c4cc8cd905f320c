export {
  KEYMETER_EMULATOR_NAME,
  startEmulator,
  type EmulatorOptions,
  type RunningEmulator,
} from './emulator.js';
