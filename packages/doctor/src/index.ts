/** `itsme-sign doctor` as a library: run the same checks from your own health endpoint or deployment script. */
export { type DoctorConfig, readConfig, SETTINGS, type SettingName } from './config.js';
export {
  type CheckLine,
  type DoctorOptions,
  type DoctorReport,
  formatReport,
  runDoctor,
  type Status,
} from './doctor.js';
