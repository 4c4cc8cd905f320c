import { resourceMissing } from './errors.js';
import { LIST_PAGINATION, newestFirst, paginate } from './list.js';
import { inRange, readRange, readString, readStringArray } from './params.js';
import { pathParam, route } from './route.js';

/** `type` may end in `.*` to match a family, e.g. `customer.subscription.*`. */
function typeMatcher(pattern: string): (type: string) => boolean {
  if (pattern.endsWith('.*')) {
    const prefix = pattern.slice(0, -1);
    return (type) => type.startsWith(prefix);
  }
  return (type) => type === pattern;
}

export const eventRoutes = [
  route('GET', '/events', (context) => {
    context.check({
      supported: ['type', 'types', 'created', ...LIST_PAGINATION],
      ignored: ['delivery_success'],
    });
    const { params } = context;
    const type = readString(params, 'type');
    const types = readStringArray(params, 'types');
    const created = readRange(params, 'created');
    const matchesType = type === undefined ? () => true : typeMatcher(type);
    const events = newestFirst(context.core.state.events.values()).filter(
      (event) =>
        matchesType(event.type) &&
        (types === undefined || types.includes(event.type)) &&
        inRange(event.created, created),
    );
    return paginate(events, params, '/v1/events', 'event');
  }),

  route('GET', '/events/:id', (context) => {
    context.check({ supported: [] });
    const id = pathParam(context, 'id');
    const event = context.core.state.events.get(id);
    if (event === undefined) throw resourceMissing('event', id);
    return event;
  }),
];
