import { HealthData } from './HealthData';
import { LocationData } from './LocationData';
import { PhotoMemory } from './PhotoMemory';
import { SyncQueueItem } from './SyncQueueItem';
import { TextNote } from './TextNote';
import { VoiceNote } from './VoiceNote';

export { parseTags, stringifyTags } from './json-columns';
export { SyncedRecord } from './SyncedRecord';
export { HealthData, LocationData, PhotoMemory, SyncQueueItem, TextNote, VoiceNote };

export const modelClasses = [
  HealthData,
  LocationData,
  VoiceNote,
  TextNote,
  PhotoMemory,
  SyncQueueItem,
];
