import { PageTitle } from "../components/PageTitle";
import { Link } from "../router";

export function NotFoundPage() {
  return (
    <>
      <PageTitle>Page not found</PageTitle>
      <p>
        Nothing lives at this address. Go to <Link to="/">your instances</Link>.
      </p>
    </>
  );
}
