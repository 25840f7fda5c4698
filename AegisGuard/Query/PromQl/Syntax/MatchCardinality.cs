namespace AegisGuard.Query.PromQl.Syntax;

/// <summary>Vector matching cardinality.</summary>
public enum MatchCardinality
{
    OneToOne,
    ManyToOne,
    OneToMany,
    ManyToMany,
}
