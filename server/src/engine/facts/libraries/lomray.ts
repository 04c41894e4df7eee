/**
 * `@lomray/microservice-nodejs-lib`: `Microservice.eventPublish(event, payload)` sends an event
 * through the gateway to every microservice subscribed to it (an event bus, not a request). What
 * the library adds to the envelope is not visible here, so the correlation state is unknown.
 */
import type { LibraryTable } from './table';
import { publishFact } from './build';
import { arg, stringValue } from '../syntax';

const LIB = '@lomray/microservice-nodejs-lib';

export const lomray: LibraryTable = {
  name: 'lomray',
  transitions: {},
  operations: {
    [`${LIB}#Microservice|eventPublish`]: (call) => {
      const event = stringValue(arg(call, 0)) ?? arg(call, 0)?.getText();
      return publishFact(LIB, call, `Microservice.eventPublish(${event ?? '?'})`, event, [arg(call, 1)], { opaque: true });
    },
  },
};
