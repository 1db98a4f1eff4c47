/**
 * The booking call of the flows, for a construct whose admission policy has no hours of operation
 * (lambda-src/shared/booking.ts). It carries no Connect client: a booking never calls Connect.
 */
import { createBookingHandler } from '../shared/booking';

export const handler = createBookingHandler();
