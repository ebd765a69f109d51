import type { Handler, ScheduledEvent } from 'aws-lambda';

// Runs on the schedule in template.yaml; the event says when it was due.
export const handler: Handler<ScheduledEvent, { dueAt: string }> = async (event) => {
  console.log(`nightly job due at ${event.time}, started ${new Date().toISOString()}`);
  return { dueAt: event.time };
};
