import { describe, expect, it } from 'vitest';
import { PAGE_SIZE, pagesFor } from './pages.js';

describe('which pages the visible rows need', () => {
  it('maps row ranges to page indexes', () => {
    expect(pagesFor(0, 30)).toEqual([0]);
    expect(pagesFor(PAGE_SIZE - 5, PAGE_SIZE + 5)).toEqual([0, 1]);
    expect(pagesFor(4990, 5010, 250)).toEqual([19, 20]);
    expect(pagesFor(10, 9)).toEqual([]);
    expect(pagesFor(-20, 3)).toEqual([0]);
  });
});
