/** ReminderFacts are what a reminder says: the session, the other party, when, for whom. */
export interface ReminderFacts {
  readonly subject: string;
  readonly otherPartyName: string;
  readonly startsAt: Date;
  readonly timeZone: string;
  readonly leadSeconds: number;
}

/**
 * reminderText writes a reminder in the recipient's own time zone, e.g.
 * "Reminder: Algebra with Tomás Tutor starts in 15 minutes, on Monday 7 January 2030 at 17:00 (Europe/Madrid)."
 */
export function reminderText(facts: ReminderFacts): string {
  const when = new Intl.DateTimeFormat('en-GB', {
    timeZone: facts.timeZone,
    dateStyle: 'full',
    timeStyle: 'short',
  }).format(facts.startsAt);
  return `Reminder: ${facts.subject} with ${facts.otherPartyName} starts in ${describeLead(facts.leadSeconds)}, on ${when.replace(', ', ' ')} (${facts.timeZone}).`;
}

/** describeLead says a lead in the largest whole unit: "24 hours", "15 minutes", "1 day". */
export function describeLead(seconds: number): string {
  const units: Array<[string, number]> = [
    ['week', 604_800],
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
    ['second', 1],
  ];
  for (const [name, size] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      // 24 hours reads better than 1 day for a reminder; keep hours up to 48.
      if (name === 'day' && seconds <= 172_800) continue;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${Math.round(seconds)} seconds`;
}
