import { assertEqual } from "../_helpers/assert.ts";
import { completeInput, type CompletionSources } from "../../client/completion.ts";

const sources: CompletionSources = {
  nicks: ["alice", "Bob", "bobcat", "carol"],
  rooms: ["#lobby", "#dev", "#design"],
  commands: ["/join", "/jump", "/msg", "/me", "/who", "/ignore"],
  me: "alice",
};

Deno.test("completeInput completes a nick at the start with ': ' and elsewhere with ' '", () => {
  assertEqual(completeInput("car", sources), { text: "carol: ", matches: ["carol"] });
  assertEqual(completeInput("hi car", sources).text, "hi carol ");
  assertEqual(completeInput("hi @car", sources).text, "hi @carol ");
  assertEqual(completeInput("hi CAR", sources).text, "hi carol ");
});

Deno.test("completeInput never offers the user's own nick", () => {
  assertEqual(completeInput("al", sources), { text: "al", matches: [] });
});

Deno.test("completeInput extends several matches to their common prefix and lists them", () => {
  assertEqual(completeInput("b", sources), { text: "Bob", matches: ["Bob", "bobcat"] });
  assertEqual(completeInput("bob", sources), { text: "bob", matches: ["Bob", "bobcat"] });
});

Deno.test("completeInput completes commands only as the first word", () => {
  assertEqual(completeInput("/ms", sources).text, "/msg ");
  assertEqual(completeInput("/j", sources), { text: "/j", matches: ["/join", "/jump"] });
  assertEqual(completeInput("see /ms", sources).text, "see /ms");
});

Deno.test("completeInput completes rooms after # and as the argument of /join", () => {
  assertEqual(completeInput("/join #l", sources).text, "/join #lobby ");
  assertEqual(completeInput("/join l", sources).text, "/join #lobby ");
  assertEqual(completeInput("/join #de", sources), {
    text: "/join #de",
    matches: ["#design", "#dev"],
  });
  assertEqual(completeInput("come to #dev", sources).text, "come to #dev ");
  assertEqual(completeInput("/msg bo", sources).text, "/msg Bob");
});

Deno.test("completeInput leaves text alone when nothing matches or the word is empty", () => {
  assertEqual(completeInput("zzz", sources), { text: "zzz", matches: [] });
  assertEqual(completeInput("hello ", sources), { text: "hello ", matches: [] });
  assertEqual(completeInput("", sources), { text: "", matches: [] });
});
