import { missingPasswordRequirements, PASSWORD_REQUIREMENTS } from "../passwordRules";

// The server's own rule (functions/src/core/passwordPolicy.json), checked as the person types.
const ALL_REQUIREMENTS = PASSWORD_REQUIREMENTS;

export function PasswordRules(props: { id: string; password: string }) {
  const missing = new Set(missingPasswordRequirements(props.password));
  return (
    <ul id={props.id} className="rules" aria-label="Password requirements">
      {ALL_REQUIREMENTS.map((requirement) => {
        const met = !missing.has(requirement);
        return (
          <li key={requirement} className={met ? "met" : "unmet"}>
            <span aria-hidden="true">{met ? "✓" : "○"}</span> {requirement}
            <span className="visually-hidden">{met ? " (done)" : " (still needed)"}</span>
          </li>
        );
      })}
    </ul>
  );
}
