import * as z from 'zod/mini';
import { en } from 'zod/locales';

// zod/mini carries no messages of its own: the ones a config error names ("Invalid URL"…) are English.
z.config(en());

/** The languages the bot speaks (a locale file each under locales/). */
export const languageCodes = ['it', 'en', 'ro', 'uk', 'ar'] as const;

const hhmm = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24-hour)'));
const id = z.string().check(z.regex(/^[a-z0-9-]{1,20}$/, 'expected a short id: a-z, 0-9, dash, at most 20'));

const neighbourhoodSchema = z.object({
  id,
  name: z.string().check(z.minLength(1), z.maxLength(40)),
  centre: z.object({
    lat: z.number().check(z.minimum(-90), z.maximum(90)),
    lon: z.number().check(z.minimum(-180), z.maximum(180)),
  }),
});

const zoneSchema = z.object({
  id,
  name: z.string().check(z.minLength(1), z.maxLength(40)),
  // WhatsApp lists hold at most 10 rows: a zone's neighbourhoods must fit one list.
  neighbourhoods: z.array(neighbourhoodSchema).check(z.minLength(1), z.maxLength(10)),
});

export const rungs = ['reminder', 'relatives', 'zoneMediator'] as const;
export type Rung = (typeof rungs)[number];

const minutes = z.number().check(z.int(), z.minimum(1), z.maximum(24 * 60));

const rungSchema = z.object({
  rung: z.enum(rungs),
  afterMinutes: z.number().check(z.int(), z.minimum(1), z.maximum(24 * 60)),
});

export const networkSchema = z
  .object({
    id,
    name: z.string().check(z.minLength(1)),
    approximate: z._default(z.boolean(), false),
    note: z.optional(z.string()),
    timeZone: z.string().check(
      z.refine((tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'unknown IANA time zone'),
    ),
    languages: z.array(z.enum(languageCodes)).check(z.minLength(1)),
    defaultLanguage: z.enum(languageCodes),
    // WhatsApp lists hold at most 10 rows: zones must fit one list.
    zones: z.array(zoneSchema).check(z.minLength(1), z.maxLength(10)),
    checkIn: z.object({
      defaultTime: hhmm,
      times: z.array(hhmm).check(z.minLength(1), z.maxLength(9)),
      ladder: z.array(rungSchema).check(z.minLength(1), z.maxLength(rungs.length)),
    }),
    requests: z.object({
      waveTimeoutMinutes: minutes,
      wave1Size: z.number().check(z.int(), z.minimum(1), z.maximum(10)),
      wave2Size: z.number().check(z.int(), z.minimum(1), z.maximum(20)),
      wave2RadiusFactor: z.number().check(z.minimum(1), z.maximum(5)),
      /** Closed requests leave the table this many days after closing. */
      retentionDays: z.number().check(z.int(), z.minimum(1), z.maximum(3650)),
      /** Requests still going (open or assigned) one elder may have; one more is refused kindly. */
      maxOpenPerPerson: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(50)), 3),
    }),
    alerts: z.object({
      /** An alert nobody acknowledged within this goes to every mediator of the network… */
      escalateAfterMinutes: minutes,
      /** …and is sent again this often, at most `maxRenotify` times, until acknowledged. */
      renotifyEveryMinutes: minutes,
      maxRenotify: z.number().check(z.int(), z.minimum(0), z.maximum(20)),
      /** Resolved alerts leave the table this many days after resolution. */
      retentionDays: z.number().check(z.int(), z.minimum(1), z.maximum(3650)),
    }),
    quietHours: z.object({ start: hhmm, end: hhmm }),
    /** Names that imitate the service or a role, refused at the name question (see `isReservedName`). */
    reservedNames: z._default(
      z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(60))).check(z.maxLength(200)),
      [],
    ),
    volunteerRadiusKm: z
      .array(z.number().check(z.positive(), z.maximum(50)))
      .check(z.minLength(1), z.maxLength(3)),
    invites: z.object({
      mediatorHours: z.number().check(z.int(), z.minimum(1), z.maximum(24 * 30)),
      relativeHours: z.number().check(z.int(), z.minimum(1), z.maximum(24 * 30)),
    }),
  })
  .check(
    z.superRefine((net, ctx) => {
      const afters = net.checkIn.ladder.map((r) => r.afterMinutes);
      if (afters.some((m, i) => i > 0 && m <= afters[i - 1]!)) {
        ctx.addIssue({
          code: 'custom',
          path: ['checkIn', 'ladder'],
          message: 'rungs must come in increasing afterMinutes',
        });
      }
      if (new Set(net.checkIn.ladder.map((r) => r.rung)).size !== net.checkIn.ladder.length) {
        ctx.addIssue({ code: 'custom', path: ['checkIn', 'ladder'], message: 'each rung at most once' });
      }
      if (!net.languages.includes(net.defaultLanguage)) {
        ctx.addIssue({ code: 'custom', path: ['defaultLanguage'], message: 'must be one of languages' });
      }
      const seen = new Set<string>();
      for (const [zi, zone] of net.zones.entries()) {
        for (const [ni, hood] of zone.neighbourhoods.entries()) {
          if (seen.has(hood.id)) {
            ctx.addIssue({
              code: 'custom',
              path: ['zones', zi, 'neighbourhoods', ni, 'id'],
              message: 'duplicate id',
            });
          }
          seen.add(hood.id);
        }
      }
      if (new Set(net.zones.map((z) => z.id)).size !== net.zones.length) {
        ctx.addIssue({ code: 'custom', path: ['zones'], message: 'zone ids must be unique' });
      }
    }),
  );

export type Network = z.infer<typeof networkSchema>;
export type Zone = Network['zones'][number];
export type Neighbourhood = Zone['neighbourhoods'][number];

export function findZone(network: Network, zoneId: string | undefined): Zone | undefined {
  return network.zones.find((z) => z.id === zoneId);
}

export function findNeighbourhood(
  network: Network,
  hoodId: string | undefined,
): { zone: Zone; hood: Neighbourhood } | undefined {
  for (const zone of network.zones) {
    const hood = zone.neighbourhoods.find((h) => h.id === hoodId);
    if (hood) return { zone, hood };
  }
  return undefined;
}

/** A typed name folded for comparison: words without accents, case or punctuation ("Sant’Eufemia" = "sant eufemia"). */
export function foldName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The one neighbourhood (of a zone, or of the whole network) a typed text names: its full name, or the only one it begins. */
export function neighbourhoodNamed(
  network: Network,
  text: string,
  zoneId?: string,
): { zone: Zone; hood: Neighbourhood } | undefined {
  // Spaces do not count either: "santeustacchio", "Sant Eustacchio" and "sant'eustacchio" are one name.
  const compact = (name: string) => foldName(name).replace(/ /g, '');
  const typed = compact(text);
  const all = network.zones
    .filter((zone) => !zoneId || zone.id === zoneId)
    .flatMap((zone) => zone.neighbourhoods.map((hood) => ({ zone, hood, name: compact(hood.name) })));
  const exact = all.filter((h) => h.name === typed);
  // Three letters at least before a beginning counts: "San" would name too much by chance.
  const begun = typed.length >= 3 ? all.filter((h) => h.name.startsWith(typed)) : [];
  const found = exact.length === 1 ? exact[0] : begun.length === 1 ? begun[0] : undefined;
  return found && { zone: found.zone, hood: found.hood };
}

/** The one zone whose name stands as a whole word in a typed text ("zona nord", "Nord"). */
export function zoneNamed(network: Network, text: string): Zone | undefined {
  const typed = ` ${foldName(text)} `;
  const found = network.zones.filter((z) => typed.includes(` ${foldName(z.name)} `));
  return found.length === 1 ? found[0] : undefined;
}
