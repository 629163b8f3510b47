// Sample notes the tests tally; installed into node_modules by npm (see .npmrc).
export const sampleNotes = [
  { body: 'Buy milk and bread' },
  { body: 'Call the plumber about the sink' },
  { body: 'Podium demo: three notes' },
];
