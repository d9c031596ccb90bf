/**
 * Emoji shortcodes (`:smile:` → 😄) for the web client, a small fixed table of
 * the common ones with the names GitHub and Slack use.
 *
 * @module
 */

/** Shortcode name (without colons) to emoji. */
export const EMOJI: Readonly<Record<string, string>> = Object.freeze({
  smile: "😄",
  grin: "😁",
  joy: "😂",
  laughing: "😆",
  wink: "😉",
  blush: "😊",
  heart_eyes: "😍",
  thinking: "🤔",
  neutral_face: "😐",
  sweat_smile: "😅",
  cry: "😢",
  sob: "😭",
  angry: "😠",
  scream: "😱",
  sunglasses: "😎",
  upside_down: "🙃",
  thumbsup: "👍",
  "+1": "👍",
  thumbsdown: "👎",
  "-1": "👎",
  clap: "👏",
  wave: "👋",
  pray: "🙏",
  ok_hand: "👌",
  muscle: "💪",
  eyes: "👀",
  heart: "❤️",
  broken_heart: "💔",
  fire: "🔥",
  star: "⭐",
  sparkles: "✨",
  tada: "🎉",
  rocket: "🚀",
  coffee: "☕",
  pizza: "🍕",
  beer: "🍺",
  bug: "🐛",
  check: "✅",
  x: "❌",
  warning: "⚠️",
  question: "❓",
  bulb: "💡",
  zap: "⚡",
  "100": "💯",
  poop: "💩",
  skull: "💀",
  sun: "☀️",
  moon: "🌙",
});

/**
 * Replaces known `:name:` shortcodes with their emoji; unknown ones stay as typed.
 *
 * @param text Any text.
 * @returns The text with shortcodes replaced.
 *
 * @example
 * ```ts
 * import { emojify } from "./emoji.ts";
 * emojify("ship it :rocket: :nope:"); // "ship it 🚀 :nope:"
 * ```
 */
export function emojify(text: string): string {
  if (!text.includes(":")) return text;
  return text.replace(
    /:([a-z0-9_+-]{1,30}):/g,
    (whole, name: string) => Object.hasOwn(EMOJI, name) ? EMOJI[name] : whole,
  );
}
