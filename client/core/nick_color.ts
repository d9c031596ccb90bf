/**
 * A stable colour for each nick, shared by the terminal and the browser, so a
 * nick looks the same in both: six basic colours (ANSI colours, CSS classes
 * `nick-0` … `nick-5`) where that is all there is, and one of
 * {@linkcode NICK_HUE_COUNT} hues ({@linkcode nickRgb}) where the terminal
 * has 256 colours or true colour, or in the browser. Pure and browser-safe.
 *
 * @module
 */

import { nameKey } from "../../protocol/names.ts";

/** How many nick colours there are; {@linkcode nickColorIndex} is below it. */
export const NICK_COLOR_COUNT = 6;

/**
 * A stable colour for a nick: every spelling with the same {@linkcode nameKey}
 * (`Alice`, `ALICE`) gets the same colour. FNV-1a over the key's code points.
 *
 * @param nick A nick.
 * @returns An index in `[0, NICK_COLOR_COUNT)`.
 *
 * @example
 * ```ts
 * import { nickColorIndex } from "./nick_color.ts";
 * nickColorIndex("Alice") === nickColorIndex("alice"); // true
 * ```
 */
export function nickColorIndex(nick: string): number {
  return nickHash(nick) % NICK_COLOR_COUNT;
}

/** How many hues {@linkcode nickRgb} chooses from. */
export const NICK_HUE_COUNT = 36;

/**
 * A stable colour for a nick from {@linkcode NICK_HUE_COUNT} hues of equal
 * lightness, readable on dark and light backgrounds.
 *
 * @param nick A nick; spellings with the same `nameKey` get the same colour.
 * @returns Red, green and blue, each 0–255.
 *
 * @example
 * ```ts
 * import { nickRgb } from "./nick_color.ts";
 * nickRgb("Alice"); // the same as nickRgb("alice")
 * ```
 */
export function nickRgb(nick: string): [number, number, number] {
  // A second mix of the hash, so the hue does not follow the six-colour index.
  const hash = Math.imul(nickHash(nick) ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  const hue = ((hash >>> 8) % NICK_HUE_COUNT) * (360 / NICK_HUE_COUNT);
  return hslToRgb(hue, 0.65, 0.6);
}

/**
 * The nearest colour of the xterm 256-colour cube (indices 16–231) to an RGB colour.
 *
 * @param rgb Red, green and blue, each 0–255.
 * @returns A palette index for `ESC[38;5;Nm`.
 */
export function xterm256(rgb: readonly [number, number, number]): number {
  const level = (v: number) => v < 48 ? 0 : v < 115 ? 1 : Math.min(5, Math.floor((v - 35) / 40));
  const [r, g, b] = rgb.map(level);
  return 16 + 36 * r + 6 * g + b;
}

function nickHash(nick: string): number {
  let hash = 2166136261;
  for (const ch of nameKey(nick)) {
    hash = Math.imul(hash ^ ch.codePointAt(0)!, 16777619);
  }
  return hash >>> 0;
}

function hslToRgb(hue: number, saturation: number, lightness: number): [number, number, number] {
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const x = chroma * (1 - Math.abs(((hue / 60) % 2) - 1));
  const m = lightness - chroma / 2;
  const [r, g, b] = hue < 60
    ? [chroma, x, 0]
    : hue < 120
    ? [x, chroma, 0]
    : hue < 180
    ? [0, chroma, x]
    : hue < 240
    ? [0, x, chroma]
    : hue < 300
    ? [x, 0, chroma]
    : [chroma, 0, x];
  return [r, g, b].map((v) => Math.round((v + m) * 255)) as [number, number, number];
}
