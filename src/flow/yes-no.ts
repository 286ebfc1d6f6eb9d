/**
 * Reading a typed reply to a yes/no prompt ("Apakah masalahnya sudah teratasi?", "Hubungkan dengan
 * petugas?") as a whole, not from its first words:
 *  - the clause after a contrast word ("udah dicoba, TAPI masih error") decides;
 *  - inside a clause a failure word wins over a leading "udah" ("udah, tapi gagal" / "sudah ikuti, gagal");
 *  - "tidak error lagi" / "sudah tidak muncul" is a yes (a negated failure);
 *  - everyday words are not answers by themselves: "sama" counts only as "sama aja/saja", "masih" and
 *    "tetap" only next to a failure word.
 * Returns undefined when the reply says neither (the caller then asks again or reads it as a question).
 * The word lists are content: intents/_reading.yaml (reading.ts).
 */
import { TURN_WORDS, YES_NO } from './reading.js';
const CONTRAST = YES_NO.contrast;
const FAILURE = YES_NO.failure;
const NEGATION = YES_NO.negation;
const YES = YES_NO.yesWords;
/** Yes only as a short reply ("boleh", "mau", "ayo"); in a sentence they are just verbs ("mau nanya"). */
const SHORT_YES = YES_NO.shortYes;
/** After "sudah", these say it works now. */
const APPEARS = YES_NO.appears;
/** After "sudah", these say what was done, not whether it worked ("sudah dicoba"). */
const TRIED = YES_NO.tried;
/** Words a negation reaches across ("belum dapat kami selesaikan"). */
const CARRIES = YES_NO.negationCarries;

export type YesNo = 'yes' | 'no';

/** "Still" ("masih", "tetep"): after what was done, it says the problem is still there. */
const STILL = new Set(['masih', 'tetap', 'tetep']);
/** Short replies that are a "no" on their own ("masih", "nanti aja", "ga usah"). */
const SHORT_NO = YES_NO.shortNo;
const FILLER = YES_NO.filler;
const QUESTION_WORDS = TURN_WORDS.questionWords;
/** Thanks: a yes only when nothing else in the reply says yes or no ("ga deh, makasih" is a no). */
const THANKS = YES_NO.thanks;
/** What follows these explains the cause, not the outcome ("udah bisa, ternyata db-nya belum kecopy"). */
const EXPLANATION = YES_NO.explanation;

/** A thank-you in normalised tokens ("makasih", "thx", "terima kasih"). */
export function saysThanks(tokens: string[]): boolean {
  return tokens.some((w, i) => THANKS.has(w) || (w === 'terima' && tokens[i + 1] === 'kasih'));
}

/** The evidence in a clause, in order; the last piece decides ("salah alamat ternyata, udah bisa" is a yes). */
function readClause(tokens: string[]): YesNo | undefined {
  let last: YesNo | undefined;
  let thanked = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1];
    const prev = tokens[i - 1];
    if (NEGATION.has(t) || t === 'belum') {
      // "tidak error lagi", "errornya gak muncul lagi": the failure is gone; but "kode barunya ga muncul"
      // (no error named) is what should appear not appearing.
      const goneFailure = next !== 'muncul' || tokens.some((x) => /^etax/.test(x) || x === 'error' || x === 'eror' || x === 'pesan' || x === 'lagi');
      if (t !== 'belum' && next && FAILURE.has(next) && next !== 'belum' && goneFailure) {
        last = 'yes';
        i++;
        continue;
      }
      // "belum bisa", "tidak berhasil", "belum nemu jalan keluarnya": the negation covers the next two words,
      // and pronouns and modals on the way do not count ("belum dapat kami selesaikan").
      let covered = 0;
      while (i + 1 < tokens.length && !NEGATION.has(tokens[i + 1]!) && !CONTRAST.has(tokens[i + 1]!) && !FAILURE.has(tokens[i + 1]!)) {
        if (!CARRIES.has(tokens[i + 1]!) && ++covered > 2) break;
        i++;
      }
      last = 'no';
      continue;
    }
    if (FAILURE.has(t)) {
      if ((t === 'masalah' || t === 'kendala') && prev !== 'masih' && prev !== 'ada') continue;
      if (t === 'muncul' && !tokens.some((x) => /^etax/.test(x) || x === 'error' || x === 'lagi')) continue;
      last = 'no';
      continue;
    }
    if (/^etax/.test(t)) {
      last = 'no';
      continue;
    }
    if (t === 'sama' && (next === 'aja' || next === 'saja' || next === 'juga')) {
      last = 'no';
      continue;
    }
    if (
      (t === 'masih' || t === 'tetap' || t === 'tetep') &&
      next &&
      (FAILURE.has(next) || NEGATION.has(next) || next === 'sama' || next === 'belum' || next === 'aja' || next === 'saja' || next === 'juga')
    ) {
      // "tetep ga muncul", "masih belum bisa": still failing, whatever follows the negation.
      last = 'no';
      i += NEGATION.has(next) || next === 'belum' ? 2 : 1;
      continue;
    }
    // "sudah" is a yes on its own or before a yes word ("udah bisa", "sudah kok"), not before what
    // was done ("udah dihapus semua", "sudah saya set").
    if (t === 'sudah' && next && APPEARS.has(next)) {
      last = 'yes'; // "udah muncul", "udah ketemu", "sudah bisa login"
      i++;
      continue;
    }
    // "sekarang npwp-nya muncul", "skrg udah kebaca": now something appears, with no negation on the way.
    if (t === 'sekarang') {
      const j = tokens.findIndex((x, k) => k > i && k <= i + 3 && APPEARS.has(x));
      // Not "sekarang muncul error ETAX-10001": an error after it is what appears.
      const failing = (x: string) => NEGATION.has(x) || FAILURE.has(x) || x === 'masih' || /^etax/.test(x);
      if (j > 0 && !tokens.some((x, k) => k > i && k !== j && failing(x))) {
        last = 'yes';
        i = j;
        continue;
      }
    }
    if (t === 'sudah' && next && !YES.has(next) && !THANKS.has(next) && !FILLER.has(next)) {
      if (TRIED.has(next) || TRIED.has(next.replace(/^di/, ''))) i++;
      continue;
    }
    if ((t === 'iya' || t === 'ya') && (prev === 'oh' || prev === 'eh' || prev === 'o')) continue; // "oh iya" is "oh right"
    // "kode billing bikinnya dmn ya", "nomor kring pajak brp ya": after a question word "ya" is a particle.
    if (t === 'ya' && tokens.slice(0, i).some((x) => QUESTION_WORDS.has(x))) continue;
    if (THANKS.has(t)) thanked = true;
    else if (YES.has(t) && prev !== 'yang') last = 'yes'; // "yang benar" is "the right one", not a yes
  }
  return last ?? (thanked ? 'yes' : undefined);
}

/**
 * `clauses`: the reply cut at its punctuation (",", ".", "!", "?"), each as the normaliser's tokens.
 * Read from the last clause back; a clause that explains a cause ("ternyata db-nya belum kecopy")
 * decides only when no other clause says yes or no.
 */
export function readYesNo(clauses: string[][]): YesNo | undefined {
  const tokens = clauses.flat();
  if (!tokens.length || tokens.length > 24) return undefined;
  const meaningful = tokens.filter((t) => !FILLER.has(t));
  if (meaningful.length && meaningful.length <= 2 && meaningful.every((t) => SHORT_NO.has(t) || NEGATION.has(t))) return 'no';
  if (meaningful.length && meaningful.length <= 3 && meaningful.some((t) => SHORT_YES.has(t)) && !meaningful.some((t) => NEGATION.has(t) || t === 'belum'))
    return 'yes';
  const parts: Array<{ tokens: string[]; explains: boolean }> = [];
  for (const clause of clauses) {
    // "terima kasih" is one word here ("no thanks" is one "no").
    const merged = clause
      .join(' ')
      .replace(/\bterima kasih\b/g, 'makasih')
      .split(' ')
      .filter(Boolean);
    let cur: string[] = [];
    const explains = merged.some((t) => EXPLANATION.has(t));
    for (const t of merged) {
      if (CONTRAST.has(t)) {
        parts.push({ tokens: cur, explains });
        cur = [];
      } else cur.push(t);
    }
    parts.push({ tokens: cur, explains });
  }
  // Weakest last: a clause that explains a cause, then one that only thanks ("ga usah, makasih" is a no).
  let explained: YesNo | undefined;
  let thanks: YesNo | undefined;
  for (let i = parts.length - 1; i >= 0; i--) {
    // "db nya udah sy pindahin tp tetep", "udah dicoba, masih": "still" on its own, after what was done.
    const still = parts[i]!.tokens.filter((t) => !FILLER.has(t));
    if (parts.length > 1 && still.length && still.length <= 2 && still.every((t) => STILL.has(t) || t === 'aja' || t === 'saja' || t === 'sama')) return 'no';
    const r = readClause(parts[i]!.tokens);
    if (!r) continue;
    if (parts[i]!.tokens.every((t) => THANKS.has(t) || FILLER.has(t) || t === 'ya' || t === 'banyak')) thanks ??= r;
    else if (!parts[i]!.explains) return r;
    else explained ??= r;
  }
  return explained ?? thanks;
}
