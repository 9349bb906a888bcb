import path from 'node:path';
import { forkRandom, type Random } from '../core/random';
import type { DataTable } from '../db/schema-current';
import type { Values } from '../sync/wire-format';
import { generateAudio, generatePhoto } from './media-generator';

/**
 * Realistic records for every table, deterministic from a seed: health measurements with their
 * units and plausible ranges, a walk through a city with visits and place names, diary entries
 * and passing thoughts with moods and tags, voice notes and photos with real files.
 * Times are given by the caller (the device clock), so generated data ages with the simulation.
 */
const HEALTH = [
  { type: 'steps', unit: 'count', min: 0, max: 2500, decimals: 0, source: 'phone' },
  { type: 'heart_rate', unit: 'bpm', min: 48, max: 165, decimals: 0, source: 'watch' },
  { type: 'sleep', unit: 'hours', min: 4, max: 9.5, decimals: 2, source: 'watch' },
  { type: 'weight', unit: 'kg', min: 52, max: 110, decimals: 1, source: 'scale' },
  { type: 'blood_oxygen', unit: '%', min: 92, max: 100, decimals: 0, source: 'watch' },
  { type: 'calories', unit: 'kcal', min: 20, max: 900, decimals: 0, source: 'phone' },
] as const;
const PLACES = [
  { name: 'Home', type: 'home' },
  { name: 'Office', type: 'work' },
  { name: 'Corner Café', type: 'cafe' },
  { name: 'City Park', type: 'park' },
  { name: 'Gym', type: 'gym' },
  { name: 'Market Hall', type: 'shop' },
] as const;
const ACTIVITIES = ['still', 'walking', 'running', 'cycling', 'in_vehicle'] as const;
const MOODS = ['calm', 'happy', 'tired', 'anxious', 'grateful', 'focused'] as const;
const TAGS = ['work', 'family', 'health', 'idea', 'travel', 'reading', 'sport', 'food'] as const;
const WORDS =
  'today felt slower than usual and the light through the window was lovely while I made tea and thought about the week ahead with a list of small things to finish'.split(
    ' ',
  );

export type TableCounts = Partial<Record<DataTable, number>>;

/** A "default day" of a phone: what `run` seeds into an empty device. */
export const DEFAULT_DAY: Required<TableCounts> = {
  health_data: 120,
  location_data: 96,
  text_notes: 6,
  voice_notes: 3,
  photo_memories: 4,
};

export interface GeneratorOptions {
  seed: number;
  /** Where generated voice and photo files go (the device's media folder). */
  mediaDir: string;
  /** Photo size; the default 1600×1200 keeps a simulated day quick, 4000×3000 is a real 12 MP. */
  photo?: { width: number; height: number };
}

export class DataGenerator {
  private readonly random: Random;
  private counter = 0;
  private position = { lat: 52.52, lon: 13.405 };

  constructor(private readonly options: GeneratorOptions) {
    this.random = forkRandom(options.seed, 'records');
  }

  /** `count` records for `table`, recorded at evenly spaced times ending at `now`. */
  async records(
    table: DataTable,
    count: number,
    now: number,
    spanMs = 86_400_000,
  ): Promise<Values[]> {
    const rows: Values[] = [];
    for (let i = 0; i < count; i += 1) {
      const at = Math.round(now - spanMs + ((i + 1) * spanMs) / Math.max(1, count));
      rows.push(await this.record(table, at));
    }
    return rows;
  }

  async record(table: DataTable, at: number): Promise<Values> {
    this.counter += 1;
    switch (table) {
      case 'health_data':
        return this.health(at);
      case 'location_data':
        return this.location(at);
      case 'text_notes':
        return this.note(at);
      case 'voice_notes':
        return this.voice(at);
      case 'photo_memories':
        return this.photo(at);
    }
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  private between(min: number, max: number, decimals = 0): number {
    const factor = 10 ** decimals;
    return Math.round((min + this.random() * (max - min)) * factor) / factor;
  }

  private health(at: number): Values {
    const kind = this.pick(HEALTH);
    return {
      data_type: kind.type,
      value: this.between(kind.min, kind.max, kind.decimals),
      unit: kind.unit,
      source: kind.source,
      metadata:
        this.random() < 0.3
          ? JSON.stringify({ device: kind.source === 'watch' ? 'watch-1' : 'phone-1' })
          : null,
      recorded_at: at,
    };
  }

  private location(at: number): Values {
    this.position = {
      lat: this.position.lat + (this.random() - 0.5) * 0.002,
      lon: this.position.lon + (this.random() - 0.5) * 0.003,
    };
    const visit = this.random() < 0.2;
    const place = visit ? this.pick(PLACES) : null;
    return {
      latitude: Number(this.position.lat.toFixed(6)),
      longitude: Number(this.position.lon.toFixed(6)),
      accuracy: this.between(3, 35, 1),
      altitude: this.random() < 0.8 ? this.between(30, 60, 1) : null,
      speed: this.between(0, 4, 2),
      heading: this.between(0, 359, 0),
      address: place ? `${Math.floor(this.between(1, 200))} Example Street` : null,
      place_name: place?.name ?? null,
      place_type: place?.type ?? null,
      activity_type: visit ? 'still' : this.pick(ACTIVITIES),
      visit_duration: visit ? Math.round(this.between(5, 180)) * 60 : null,
      is_visit: visit,
      recorded_at: at,
    };
  }

  private sentence(words: number): string {
    const text = Array.from({ length: words }, () => this.pick(WORDS)).join(' ');
    return `${text[0].toUpperCase()}${text.slice(1)}.`;
  }

  private tags(): string | null {
    const count = Math.floor(this.random() * 3);
    return count === 0
      ? null
      : JSON.stringify([...new Set(Array.from({ length: count }, () => this.pick(TAGS)))]);
  }

  private note(at: number): Values {
    const diary = this.random() < 0.5;
    return {
      type: diary ? 'diary' : 'thought',
      title: diary ? this.sentence(3).replace(/\.$/, '') : null,
      content: Array.from({ length: diary ? 4 : 1 }, () => this.sentence(diary ? 14 : 9)).join(' '),
      tags: this.tags(),
      mood: this.random() < 0.7 ? this.pick(MOODS) : null,
      created_at: at,
    };
  }

  private voice(at: number): Values {
    const duration = Math.round(this.between(5, 240));
    const file = path.join(
      this.options.mediaDir,
      'recordings',
      `voice-${this.options.seed}-${this.counter}.m4a`,
    );
    generateAudio(file, this.options.seed * 1000 + this.counter, duration);
    return {
      audio_uri: `file://${file}`,
      audio_url: null,
      duration,
      mime_type: 'audio/mp4',
      transcription: this.random() < 0.6 ? this.sentence(12) : null,
      transcription_status: 'completed',
      title: this.random() < 0.5 ? this.sentence(3).replace(/\.$/, '') : null,
      tags: this.tags(),
      recorded_at: at,
    };
  }

  private async photo(at: number): Promise<Values> {
    const file = path.join(
      this.options.mediaDir,
      'camera',
      `photo-${this.options.seed}-${this.counter}.jpg`,
    );
    await generatePhoto(
      file,
      this.options.seed * 1000 + this.counter,
      this.options.photo ?? { width: 1600, height: 1200 },
    );
    return {
      local_uri: `file://${file}`,
      storage_url: null,
      thumbnail_url: null,
      caption: this.random() < 0.6 ? this.sentence(5) : null,
      ai_description: null,
      tags: this.tags(),
      latitude: Number(this.position.lat.toFixed(6)),
      longitude: Number(this.position.lon.toFixed(6)),
      taken_at: at,
    };
  }
}
