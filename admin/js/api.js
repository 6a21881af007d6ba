// The GraphQL client: the admin API only, with the admin's bearer token.

export const TOKEN_KEY = 'schoolbell.adminToken';

/** GraphQLError carries the API's message and code (e.g. DENYD). */
export class GraphQLError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

/** gql runs a query; a refused token (DENYD, 401) is forgotten and the navigation hidden. */
export async function gql(query, variables = {}, token = sessionStorage.getItem(TOKEN_KEY)) {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response
    .json()
    .catch(() => ({ errors: [{ message: `HTTP ${response.status}` }] }));
  if (body.errors?.length) {
    const [error] = body.errors;
    if (error.extensions?.code === 'DENYD' || response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      document.getElementById('nav').hidden = true;
    }
    throw new GraphQLError(error.message, error.extensions?.code);
  }
  return body.data;
}
