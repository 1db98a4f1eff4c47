/**
 * The booking call of the flows for a construct whose admission policy names the queue's hours of operation
 * (lambda-src/shared/booking.ts): it also asks Connect for the effective hours (hours-check.ts). A separate asset, so
 * that write-callback, without hours rules, neither bundles nor loads the Connect client.
 */
import { createBookingHandler } from '../shared/booking';
import { createHoursCheck } from '../shared/hours-check';

export const handler = createBookingHandler(createHoursCheck);
