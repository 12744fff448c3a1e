/** The sample event and contacts live in tools/ (scripts/alert-examples.ts uses them too). */
export { sampleContacts, sampleDetail } from '../../tools/samples/events';
