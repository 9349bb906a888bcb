import { describe, expect, it } from 'vitest';
import { parseAssignments, parseRecordRef } from '../../src/records/assignments';

/** `records edit`'s words, typed by the schema (the CLI test runs one refusal end to end). */
describe('records edit assignments', () => {
  it('types each value by its column: text, numbers, booleans, empty for null', () => {
    expect(parseAssignments('text_notes', ['title=Tuesday', 'mood='])).toEqual({
      title: 'Tuesday',
      mood: null,
    });
    expect(parseAssignments('health_data', ['value=72.5'])).toEqual({ value: 72.5 });
    expect(parseAssignments('location_data', ['is_visit=true', 'place_name=Home'])).toEqual({
      is_visit: true,
      place_name: 'Home',
    });
    expect(parseAssignments('text_notes', ['content=a=b'])).toEqual({ content: 'a=b' });
  });

  it.each([
    [['titel=x'], /text_notes has no field "titel"; it has: type, title, content/],
    [['user_id=eve'], /user_id is set by the app itself/],
    [['updated_at=5'], /updated_at is set by the app itself/],
    [[], /name the fields to change/],
    [['title'], /"title" is not field=value/],
    [['content='], /content cannot be empty/],
    [['title=a', 'title=b'], /title is given twice/],
  ])('text_notes %j is refused: %s', (words, message) => {
    expect(() => parseAssignments('text_notes', words)).toThrow(message);
  });

  it('refuses a value of the wrong type and one over the wire limits', () => {
    expect(() => parseAssignments('health_data', ['value=high'])).toThrow(
      /value takes a number; got "high"/,
    );
    expect(() => parseAssignments('location_data', ['is_visit=yes'])).toThrow(/true or false/);
    expect(() => parseAssignments('text_notes', [`content=${'x'.repeat(600_000)}`])).toThrow(
      /content/,
    );
  });

  it('reads COLLECTION/ID and names the collections when it is not one', () => {
    expect(parseRecordRef('text_notes/abc')).toEqual({ table: 'text_notes', id: 'abc' });
    expect(() => parseRecordRef('notes/abc')).toThrow(/no collection "notes"; one of health_data/);
    expect(() => parseRecordRef('text_notes/')).toThrow(/is not COLLECTION\/ID/);
    expect(() => parseRecordRef('text_notes/a/b')).toThrow(/is not COLLECTION\/ID/);
  });
});
