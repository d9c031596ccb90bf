/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/// <reference lib="esnext" />
/**
 * The elements of `web/index.html` that the web client uses, looked up once by id.
 *
 * @module
 */

/** The element with this id; the page has every id the client asks for. */
export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const joinForm = $<HTMLFormElement>("join-form");
const nickInput = $<HTMLInputElement>("nick");
const passwordInput = $<HTMLInputElement>("password");
const joinError = $<HTMLParagraphElement>("join-error");
const chat = $<HTMLDivElement>("chat");
const roomTitle = $<HTMLHeadingElement>("room-title");
const topicEl = $<HTMLSpanElement>("topic");
const statusEl = $<HTMLSpanElement>("status");
const notifyToggle = $<HTMLButtonElement>("notify-toggle");
const sidebar = $<HTMLElement>("sidebar");
const roomsEl = $<HTMLUListElement>("rooms");
const usersEl = $<HTMLUListElement>("users");
const userCount = $<HTMLSpanElement>("user-count");
const pane = $<HTMLElement>("messages-pane");
const messagesEl = $<HTMLOListElement>("messages");
const composer = $<HTMLFormElement>("composer");
const input = $<HTMLInputElement>("input");
const joinRoomForm = $<HTMLFormElement>("join-room");
const roomNameInput = $<HTMLInputElement>("room-name");
const recorderEl = $<HTMLDivElement>("recorder");
const recLive = $<HTMLVideoElement>("rec-live");
const recVideo = $<HTMLVideoElement>("rec-video");
const recAudio = $<HTMLAudioElement>("rec-audio");
const recStatus = $<HTMLSpanElement>("rec-status");
const recStop = $<HTMLButtonElement>("rec-stop");
const recSend = $<HTMLButtonElement>("rec-send");
const recCancel = $<HTMLButtonElement>("rec-cancel");

export {
  chat,
  composer,
  input,
  joinError,
  joinForm,
  joinRoomForm,
  messagesEl,
  nickInput,
  notifyToggle,
  pane,
  passwordInput,
  recAudio,
  recCancel,
  recLive,
  recorderEl,
  recSend,
  recStatus,
  recStop,
  recVideo,
  roomNameInput,
  roomsEl,
  roomTitle,
  sidebar,
  statusEl,
  topicEl,
  userCount,
  usersEl,
};
